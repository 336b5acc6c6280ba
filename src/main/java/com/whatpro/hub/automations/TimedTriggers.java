package com.whatpro.hub.automations;

import java.util.List;
import java.util.Map;

import com.whatpro.hub.kanban.AutomatedCards;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds the cards that time-based rules are due for: past their stage's SLA (once per stay in the stage) or idle for
 * the rule's hours (once per idle spell). Several nodes may scan at once: a firing is recorded under a unique key of
 * rule, card and stay in the transaction that adds its run, so whichever node records it first fires it, once.
 */
@Component
class TimedTriggers {

    private static final Logger log = LoggerFactory.getLogger(TimedTriggers.class);
    static final List<String> TYPES = List.of("card.sla_breached", "card.idle");
    private static final int PER_RULE = 500;

    private final JdbcClient jdbc;
    private final Automations automations;
    private final AutomatedCards cards;
    private final Triggers triggers;
    private final TransactionTemplate transactions;

    TimedTriggers(JdbcClient jdbc, Automations automations, AutomatedCards cards, Triggers triggers,
            PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.automations = automations;
        this.cards = cards;
        this.triggers = triggers;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    void scan() {
        List<Long> accounts = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                select distinct account_id from automations
                where enabled and trigger_type in ('card.sla_breached', 'card.idle')
                """).query(Long.class).list()));
        for (var id : accounts) {
            var account = new AccountId(id);
            try {
                Tenancy.runAs(account, () -> transactions.executeWithoutResult(status -> scan(account)));
            } catch (RuntimeException e) {
                log.warn("automation scan of account {}: {}", id, e.toString());
            }
        }
    }

    private void scan(AccountId account) {
        for (var type : TYPES) {
            for (var rule : automations.active(account, type, null)) {
                var trigger = rule.rule().trigger();
                var due = "card.idle".equals(type) ? cards.idle(account, trigger.hours(), PER_RULE)
                        : cards.overdue(account, trigger.stageId(), PER_RULE);
                for (var card : due) {
                    var fired = jdbc.sql("""
                            insert into automation_firings (account_id, automation_id, card_id, stay)
                            values (:account, :automation, :card, :stay) on conflict do nothing
                            """)
                            .param("account", account.value()).param("automation", rule.id())
                            .param("card", card.cardId()).param("stay", java.sql.Timestamp.from(card.stay())).update();
                    if (fired == 1) {
                        cards.conditionFacts(account, card.cardId()).ifPresent(facts -> triggers.add(account, type,
                                List.of(rule), facts, Map.of("stage_id", card.stageId().toString())));
                    }
                }
            }
        }
    }
}
