package com.whatpro.hub.automations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.gateway.ConversationOpened;
import com.whatpro.hub.gateway.MessageReceived;
import com.whatpro.hub.kanban.AutomatedCards;
import com.whatpro.hub.kanban.CardChanged;
import com.whatpro.hub.kanban.CardMoved;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Automated;
import com.whatpro.hub.platform.Tenancy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns what happens into runs. Card events are handled in the transaction of the change itself, whoever made it
 * (a person through the API or the web app, a program, the gateway, a rule): the run is recorded with the change or
 * not at all, so a crash loses none. Conversation events arrive after their own commit and get a transaction here.
 * A change made by a rule's run triggers rules one level deeper, in the same chain; past the deepest level, or
 * past the most runs a chain may record, the run is recorded as {@code loop_stopped} and nothing runs.
 */
@Component
class Triggers {

    private static final Logger log = LoggerFactory.getLogger(Triggers.class);

    private final Automations automations;
    private final Runs runs;
    private final AutomatedCards cards;
    private final RunWorker worker;
    private final AutomationSettings settings;
    private final TransactionTemplate transactions;
    private final Timer noRules;
    private final Timer withRules;

    Triggers(Automations automations, Runs runs, AutomatedCards cards, @Lazy RunWorker worker, AutomationSettings settings,
            PlatformTransactionManager transactionManager, MeterRegistry meters) {
        this.noRules = timer(meters, "none");
        this.withRules = timer(meters, "some");
        this.automations = automations;
        this.runs = runs;
        this.cards = cards;
        this.worker = worker;
        this.settings = settings;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @EventListener
    void on(CardChanged event) {
        if (!"card.created".equals(event.action())) {
            return;
        }
        var start = System.nanoTime();
        var fired = created(event);
        (fired ? withRules : noRules).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** What finding, checking and recording the rules of a card event adds to the change, by whether any fired. */
    private static Timer timer(MeterRegistry meters, String fired) {
        return Timer.builder("whatpro.automations.card.evaluation").tag("rules_fired", fired)
                .description("What finding, checking and recording the rules of a card event adds to the change")
                .publishPercentiles(0.5, 0.95, 0.99).register(meters);
    }

    private boolean created(CardChanged event) {
        var created = automations.active(event.account(), "card.created", null);
        var entered = automations.active(event.account(), "card.entered_stage", null);
        if (created.isEmpty() && entered.isEmpty()) {
            return false;
        }
        var card = cards.conditionFacts(event.account(), event.cardId()).orElse(null);
        if (card == null) {
            return false;
        }
        add(event.account(), "card.created", created, card, Map.of());
        add(event.account(), "card.entered_stage", entered.stream()
                .filter(rule -> card.stageId().equals(rule.rule().trigger().stageId())).toList(), card, Map.of());
        return true;
    }

    @EventListener
    void on(CardMoved event) {
        if (event.fromStageId().equals(event.toStageId())) {
            return;
        }
        var start = System.nanoTime();
        var fired = moved(event);
        (fired ? withRules : noRules).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private boolean moved(CardMoved event) {
        var rules = automations.active(event.account(), "card.entered_stage", event.toStageId());
        if (rules.isEmpty()) {
            return false;
        }
        cards.conditionFacts(event.account(), event.cardId())
                .ifPresent(card -> add(event.account(), "card.entered_stage", rules, card, Map.of()));
        return true;
    }

    @EventListener
    void on(ConversationOpened event) {
        var context = new LinkedHashMap<String, Object>();
        context.put("conversation_id", event.chatwootConversationId());
        context.put("contact_name", event.contactName());
        if (event.contactPhoneE164() != null) {
            context.put("contact_phone", event.contactPhoneE164());
        }
        context.put("chatwoot_contact_id", event.chatwootContactId());
        inAccount(event.account(), () -> {
            var rules = automations.active(event.account(), "conversation.opened", null);
            add(event.account(), "conversation.opened", rules, null, context);
        });
    }

    @EventListener
    void on(MessageReceived event) {
        var context = new LinkedHashMap<String, Object>();
        context.put("conversation_id", event.chatwootConversationId());
        if (event.text() != null) {
            context.put("text", event.text());
        }
        inAccount(event.account(), () -> {
            var text = event.text() == null ? "" : event.text().toLowerCase(Locale.ROOT);
            var rules = automations.active(event.account(), "message.received", null).stream()
                    .filter(rule -> rule.rule().trigger().contains() == null
                            || text.contains(rule.rule().trigger().contains().toLowerCase(Locale.ROOT)))
                    .toList();
            add(event.account(), "message.received", rules, null, context);
        });
    }

    /**
     * Records a run of each rule: pending when its conditions hold (or, without a card yet, are checked when it
     * runs), else skipped; loop_stopped past the deepest chain, and past the most runs a chain may record (once the
     * chain is full and shows a stopped run, nothing more of it is recorded). The runs are one row in the change's
     * transaction, which the worker, woken once it commits, turns into runs.
     */
    void add(AccountId account, String trigger, List<Automations.Active> rules, AutomatedCards.@Nullable CardFacts card,
            Map<String, ?> context) {
        if (rules.isEmpty()) {
            return;
        }
        var parent = Automated.current();
        var depth = parent.map(run -> run.depth() + 1).orElse(0);
        var chain = parent.map(Automated.Run::chainId).orElse(null);
        var room = rules.size();
        if (chain != null) {
            var recorded = runs.chain(chain);
            room = settings.maxChainRuns() - recorded.runs();
            if (room <= 0 && recorded.stopped()) {
                log.debug("automation chain {} is full: {} in account {} records no more runs", chain, trigger,
                        account);
                return;
            }
        }
        var tooDeep = depth > settings.maxDepth();
        var added = new ArrayList<Runs.NewRun>(rules.size());
        for (var rule : rules) {
            var status = tooDeep || added.size() >= room ? "loop_stopped"
                    : card == null || Conditions.hold(rule.rule().conditions(), card) ? Runs.PENDING : "skipped";
            added.add(new Runs.NewRun(rule.id(), status));
        }
        var runContext = new LinkedHashMap<String, Object>(context);
        if (tooDeep || room < rules.size()) {
            parent.ifPresent(run -> runContext.put("triggered_by", run.automationId().toString()));
        }
        if (card == null && !tooDeep) {
            runContext.put("check_conditions", true);
        }
        runs.add(account, trigger, card == null ? null : card.id(), depth, chain, runContext, added);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    worker.wake();
                }
            });
        } else {
            worker.wake();
        }
    }

    private void inAccount(AccountId account, Runnable work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && Tenancy.currentAccount().filter(account::equals).isPresent()) {
            work.run();
        } else if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // published inside another scope's transaction: record the runs once that one is over
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    Thread.ofVirtual().start(() -> inAccount(account, work));
                }
            });
        } else {
            Tenancy.runAs(account, () -> transactions.executeWithoutResult(status -> work.run()));
        }
    }
}
