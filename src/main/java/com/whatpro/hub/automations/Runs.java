package com.whatpro.hub.automations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The automation_runs table: each run of a rule, a durable job claimed under a lease by one node at a time (its
 * claim token fences a node that lost the lease), with each action's outcome, which is also the run's log.
 */
@Repository
class Runs {

    static final String PENDING = "pending";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Runs(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A run as its worker sees it. */
    record Run(UUID id, AccountId account, UUID automationId, String triggerEvent, @Nullable UUID cardId,
            JsonNode context, int depth, ArrayNode actions, int attempts, UUID claimToken) {
    }

    /** A run as its log shows it. */
    record Logged(long seq, UUID id, Instant at, String triggerEvent, @Nullable UUID cardId, String status, int depth,
            JsonNode actions, @Nullable Instant finishedAt) {
    }

    /** Adds a run in the caller's transaction; {@code status} pending runs, the others are finished at once. */
    UUID add(AccountId account, UUID automation, String trigger, @Nullable UUID card, Map<String, ?> context,
            int depth, String status, List<String> actionTypes) {
        var id = Ids.newId();
        var actions = JsonNodeFactory.instance.arrayNode();
        for (var type : actionTypes) {
            actions.addObject().put("type", type).put("status", PENDING.equals(status) ? PENDING : "not_run")
                    .putNull("detail");
        }
        jdbc.sql("""
                insert into automation_runs (id, account_id, automation_id, trigger_event, card_id, context, depth,
                                             status, actions, finished_at)
                values (:id, :account, :automation, :trigger, :card, cast(:context as jsonb), :depth, :status,
                        cast(:actions as jsonb), case when :status = 'pending' then null else now() end)
                """)
                .param("id", id).param("account", account.value()).param("automation", automation)
                .param("trigger", trigger).param("card", card).param("context", json.writeValueAsString(context))
                .param("depth", depth).param("status", status).param("actions", json.writeValueAsString(actions))
                .update();
        return id;
    }

    /** Claims due runs of any account; needs the platform scope. */
    List<Run> claim(String node, int limit, Duration lease) {
        var token = UUID.randomUUID();
        return jdbc.sql("""
                update automation_runs r set claim_token = :token, claimed_by = :node, attempts = r.attempts + 1,
                    lease_until = now() + make_interval(secs => :lease)
                where r.id in (select id from automation_runs
                               where status = 'pending' and next_attempt_at <= now()
                               and (lease_until is null or lease_until < now())
                               order by next_attempt_at, seq limit :limit for update skip locked)
                returning r.id, r.account_id, r.automation_id, r.trigger_event, r.card_id, r.context::text, r.depth,
                          r.actions::text, r.attempts, r.claim_token
                """)
                .param("token", token).param("node", node).param("lease", lease.toMillis() / 1000.0)
                .param("limit", limit)
                .query((rs, n) -> new Run(rs.getObject(1, UUID.class), new AccountId(rs.getLong(2)),
                        rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class),
                        json.readTree(rs.getString(6)), rs.getInt(7), (ArrayNode) json.readTree(rs.getString(8)),
                        rs.getInt(9), rs.getObject(10, UUID.class)))
                .list();
    }

    /**
     * Records one action's outcome and renews the lease, in the caller's transaction; false when this node no longer
     * holds the run (the caller then rolls back whatever the action did).
     */
    boolean recordAction(Run run, int index, String status, @Nullable String detail, Duration lease) {
        var outcome = (ObjectNode) run.actions().get(index);
        outcome.put("status", status);
        if (detail == null) {
            outcome.putNull("detail");
        } else {
            outcome.put("detail", detail.length() > 500 ? detail.substring(0, 500) : detail);
        }
        return jdbc.sql("""
                update automation_runs set actions = jsonb_set(actions, cast(array[:index] as text[]),
                                                               cast(:outcome as jsonb)),
                    lease_until = now() + make_interval(secs => :lease)
                where account_id = :account and id = :id and claim_token = :token and status = 'pending'
                """)
                .param("index", String.valueOf(index)).param("outcome", json.writeValueAsString(outcome))
                .param("lease", lease.toMillis() / 1000.0).param("account", run.account().value())
                .param("id", run.id()).param("token", run.claimToken()).update() == 1;
    }

    boolean finish(Run run, String status) {
        return jdbc.sql("""
                update automation_runs set status = :status, finished_at = now(), claim_token = null, lease_until = null
                where account_id = :account and id = :id and claim_token = :token and status = 'pending'
                """)
                .param("status", status).param("account", run.account().value()).param("id", run.id())
                .param("token", run.claimToken()).update() == 1;
    }

    /** Lets the run wait before its next attempt; another node may take it then. */
    boolean later(Run run, Duration wait) {
        return jdbc.sql("""
                update automation_runs set next_attempt_at = now() + make_interval(secs => :wait), claim_token = null,
                    lease_until = null
                where account_id = :account and id = :id and claim_token = :token and status = 'pending'
                """)
                .param("wait", wait.toMillis() / 1000.0).param("account", run.account().value())
                .param("id", run.id()).param("token", run.claimToken()).update() == 1;
    }

    /** Newest first, before the given sequence number. */
    List<Logged> log(AccountId account, UUID automation, long before, int limit) {
        return jdbc.sql("""
                select id, created_at, trigger_event, card_id, status, depth, actions::text, finished_at, seq
                from automation_runs where account_id = :account and automation_id = :automation and seq < :before
                order by seq desc limit :limit
                """)
                .param("account", account.value()).param("automation", automation).param("before", before)
                .param("limit", limit)
                .query((rs, n) -> new Logged(rs.getLong(9), rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(),
                        rs.getString(3), rs.getObject(4, UUID.class), rs.getString(5), rs.getInt(6),
                        json.readTree(rs.getString(7)),
                        rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant()))
                .list();
    }
}
