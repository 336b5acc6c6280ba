package com.whatpro.hub.automations;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.accounts.UsageCounter;
import com.whatpro.hub.gateway.AutomatedMessages;
import com.whatpro.hub.identity.Memberships;
import com.whatpro.hub.kanban.AutomatedCards;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.SealedColumn;
import com.whatpro.hub.platform.crypto.StandardWebhooks;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.teams.Teams;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

/**
 * The rules of each account. Saving one checks that every stage, user, team and field it names exists in the
 * account, that its Cloud API templates exist, and that its webhook URLs pass the outbound policy (before the
 * transaction: resolving a tenant's host name may take a while); creating one counts against
 * {@code max_automations}. Triggers find the enabled rules of a kind off an index; the parsed rule is kept per node by
 * id and version, so an event with a hundred rules in the account costs one small query.
 */
@Service
class Automations implements UsageCounter, SealedColumn {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Entitlements entitlements;
    private final AutomatedCards cards;
    private final Memberships memberships;
    private final Teams teams;
    private final OutboundPolicy outbound;
    private final ApplicationEventPublisher events;
    private final AutomatedMessages messages;
    private final CredentialCipher cipher;
    private final Map<UUID, Parsed> parsed = new ConcurrentHashMap<>();
    private final TransactionTemplate writing;

    Automations(JdbcClient jdbc, JsonMapper json, Entitlements entitlements, AutomatedCards cards,
            Memberships memberships, Teams teams, OutboundPolicy outbound, ApplicationEventPublisher events,
            AutomatedMessages messages, CredentialCipher cipher, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.writing = new TransactionTemplate(transactions);
        this.json = json;
        this.entitlements = entitlements;
        this.cards = cards;
        this.memberships = memberships;
        this.teams = teams;
        this.outbound = outbound;
        this.events = events;
        this.messages = messages;
        this.cipher = cipher;
    }

    /** A rule; {@code signed}: its webhook calls have a secret to be signed with. */
    record Automation(UUID id, String name, boolean enabled, Rule rule, boolean signed, Instant createdAt,
            Instant updatedAt) {
    }

    /** A rule just saved, with the secret its webhook calls are signed with when it was made now (shown only then). */
    record Saved(Automation automation, @Nullable String webhookSecret) {
    }

    /** An enabled rule, as triggers need it. */
    record Active(UUID id, String name, Rule rule) {
    }

    private record Parsed(Instant version, Active active) {
    }

    @Override
    public Limit limit() {
        return Limit.AUTOMATIONS;
    }

    @Override
    public long count(AccountId account) {
        return jdbc.sql("select count(*) from automations where account_id = :account")
                .param("account", account.value()).query(Long.class).single();
    }

    @Transactional(readOnly = true)
    public List<Automation> list(AccountId account) {
        return jdbc.sql("select * from automations where account_id = :account order by created_at, id")
                .param("account", account.value()).query(this::automation).list();
    }

    @Transactional(readOnly = true)
    public Optional<Automation> find(AccountId account, UUID id) {
        return jdbc.sql("select * from automations where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(this::automation).optional();
    }

    /** Saves a new rule; its webhook URLs are checked (their hosts resolved) before the transaction begins. */
    public Saved create(AccountId account, String name, boolean enabled, Rule rule) {
        checkUrls(rule);
        return Objects.requireNonNull(writing.execute(status -> created(account, name, enabled, rule)));
    }

    private Saved created(AccountId account, String name, boolean enabled, Rule rule) {
        check(account, rule);
        entitlements.ensureRoom(account, Limit.AUTOMATIONS, () -> count(account));
        var id = Ids.newId();
        jdbc.sql("""
                insert into automations (id, account_id, name, enabled, trigger_type, trigger_stage_id, rule)
                values (:id, :account, :name, :enabled, :type, :stage, cast(:rule as jsonb))
                """)
                .param("id", id).param("account", account.value()).param("name", name.strip())
                .param("enabled", enabled).param("type", rule.trigger().type())
                .param("stage", rule.trigger().stageId()).param("rule", json.writeValueAsString(rule.json()))
                .update();
        events.publishEvent(new AutomationChanged(account, id, "automation.created",
                Map.of("name", name.strip(), "enabled", enabled, "trigger", rule.trigger().type())));
        var secret = rule.callsWebhooks() ? newWebhookSecret(account, id) : null;
        return new Saved(find(account, id).orElseThrow(), secret);
    }

    /**
     * Changes what is given; a rule that now calls webhooks without a secret gets one, and {@code rotateSecret} replaces
     * it (422 when the rule calls none).
     */
    public Optional<Saved> update(AccountId account, UUID id, @Nullable String name, @Nullable Boolean enabled,
            @Nullable Rule rule, boolean rotateSecret) {
        if (rule != null) {
            checkUrls(rule);
        }
        return Objects.requireNonNull(writing.execute(status -> updated(account, id, name, enabled, rule,
                rotateSecret)));
    }

    private Optional<Saved> updated(AccountId account, UUID id, @Nullable String name, @Nullable Boolean enabled,
            @Nullable Rule rule, boolean rotateSecret) {
        var before = jdbc.sql("select * from automations where account_id = :account and id = :id for update")
                .param("account", account.value()).param("id", id).query(this::automation).optional();
        if (before.isEmpty()) {
            return Optional.empty();
        }
        var next = rule == null ? before.get().rule() : rule;
        if (rule != null) {
            check(account, rule);
        }
        if (rotateSecret && !next.callsWebhooks()) {
            throw ApiProblem.invalid("rotate_webhook_secret", "the rule has no webhook action to sign");
        }
        jdbc.sql("""
                update automations set name = :name, enabled = :enabled, trigger_type = :type, trigger_stage_id = :stage,
                    rule = cast(:rule as jsonb), updated_at = clock_timestamp()
                where account_id = :account and id = :id
                """)
                .param("name", name == null ? before.get().name() : name.strip())
                .param("enabled", enabled == null ? before.get().enabled() : enabled)
                .param("type", next.trigger().type()).param("stage", next.trigger().stageId())
                .param("rule", json.writeValueAsString(next.json())).param("account", account.value()).param("id", id)
                .update();
        var changes = new java.util.LinkedHashMap<String, Object>();
        if (name != null) {
            changes.put("name", name.strip());
        }
        if (enabled != null) {
            changes.put("enabled", enabled);
        }
        if (rule != null) {
            changes.put("trigger", rule.trigger().type());
        }
        String secret = null;
        if (next.callsWebhooks() && (rotateSecret || !before.get().signed())) {
            secret = newWebhookSecret(account, id);
            changes.put("webhook_secret", rotateSecret ? "(rotated)" : "(created)");
        }
        events.publishEvent(new AutomationChanged(account, id, "automation.updated", changes));
        var saved = secret;
        return find(account, id).map(automation -> new Saved(automation, saved));
    }

    @Transactional
    public boolean delete(AccountId account, UUID id) {
        var deleted = jdbc.sql("delete from automations where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update() > 0;
        if (deleted) {
            events.publishEvent(new AutomationChanged(account, id, "automation.deleted", Map.of()));
        }
        return deleted;
    }

    /**
     * The enabled rules with this trigger (and, for {@code card.entered_stage}, this stage). Joins the caller's
     * transaction, scoped to the account.
     */
    List<Active> active(AccountId account, String trigger, @Nullable UUID stage) {
        var versions = jdbc.sql("""
                select id, updated_at from automations where account_id = :account and enabled and trigger_type = :type
                and (cast(:stage as uuid) is null or trigger_stage_id = cast(:stage as uuid))
                """)
                .param("account", account.value()).param("type", trigger).param("stage", stage)
                .query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant())).list();
        var result = new java.util.ArrayList<Active>(versions.size());
        for (var version : versions) {
            var cached = parsed.get(version.getKey());
            if (cached == null || !cached.version().equals(version.getValue())) {
                var found = jdbc.sql("select * from automations where account_id = :account and id = :id")
                        .param("account", account.value()).param("id", version.getKey()).query(this::automation)
                        .optional();
                if (found.isEmpty()) {
                    continue;
                }
                cached = new Parsed(found.get().updatedAt(),
                        new Active(found.get().id(), found.get().name(), found.get().rule()));
                if (parsed.size() > 100_000) {
                    parsed.clear();
                }
                parsed.put(version.getKey(), cached);
            }
            result.add(cached.active());
        }
        return result;
    }

    /** The secret the rule's webhook calls are signed with; empty for a rule saved before rules had one. */
    @Transactional(readOnly = true)
    public Optional<String> webhookSecret(AccountId account, UUID id) {
        return jdbc.sql("select webhook_secret from automations where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query((rs, n) -> rs.getString(1)).optional()
                .filter(Objects::nonNull)
                .map(sealed -> cipher.decrypt(sealed, associatedData(account, id)));
    }

    private String newWebhookSecret(AccountId account, UUID id) {
        var secret = StandardWebhooks.newSecret();
        jdbc.sql("update automations set webhook_secret = :sealed where account_id = :account and id = :id")
                .param("sealed", cipher.encrypt(secret, associatedData(account, id)))
                .param("account", account.value()).param("id", id).update();
        return secret;
    }

    @Override
    public String table() {
        return "automations";
    }

    @Override
    public String column() {
        return "webhook_secret";
    }

    @Override
    public String associatedData(AccountId account, UUID id) {
        return "account:" + account.value() + "/automation:" + id;
    }

    /**
     * Every stage, user, team, field and template the rule names exists in the account; its webhook URLs may be
     * called.
     */
    private void check(AccountId account, Rule rule) {
        if (rule.trigger().stageId() != null && cards.stage(account, rule.trigger().stageId()).isEmpty()) {
            throw ApiProblem.invalid("trigger.stage_id", "unknown stage " + rule.trigger().stageId());
        }
        for (int i = 0; i < rule.actions().size(); i++) {
            var action = rule.actions().get(i);
            var path = "actions[" + i + "]";
            if (action.stageId() != null && cards.stage(account, action.stageId()).isEmpty()) {
                throw ApiProblem.invalid(path + ".stage_id", "unknown stage " + action.stageId());
            }
            if (action.userId() != null && !memberships.isMember(account, action.userId())) {
                throw ApiProblem.invalid(path + ".user_id", "unknown user " + action.userId());
            }
            if (action.teamId() != null && teams.find(account, action.teamId()).isEmpty()) {
                throw ApiProblem.invalid(path + ".team_id", "unknown team " + action.teamId());
            }
            if (action.field() != null && !cards.settable(account, action.field())) {
                throw ApiProblem.invalid(path + ".field", "unknown field " + action.field());
            }
            if (action.template() != null) {
                messages.checkTemplate(account, path + ".template", action.template().name(),
                        action.template().language());
            }
        }
    }

    /** Outside any transaction: a tenant's name server may take its time, and no connection waits for it. */
    private void checkUrls(Rule rule) {
        for (int i = 0; i < rule.actions().size(); i++) {
            var url = rule.actions().get(i).url();
            if (url != null) {
                outbound.require("actions[" + i + "].url", url);
            }
        }
    }

    private Automation automation(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Automation(rs.getObject("id", UUID.class), rs.getString("name"), rs.getBoolean("enabled"),
                Rule.of(json.readTree(rs.getString("rule"))), rs.getString("webhook_secret") != null,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
