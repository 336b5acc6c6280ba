package com.whatpro.hub.automations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.database.FairQueues;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
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
            JsonNode context, int depth, ArrayNode actions, int attempts, UUID claimToken, UUID chainId) {
    }

    /** A run as its log shows it. */
    record Logged(long seq, UUID id, Instant at, String triggerEvent, @Nullable UUID cardId, String status, int depth,
            JsonNode actions, @Nullable Instant finishedAt) {
    }

    /** A rule an event triggered, with the status its run starts in: pending runs; the others are finished at once. */
    record NewRun(UUID automation, String status) {
    }

    /**
     * Records the rules one event triggered, in the caller's transaction, as one row whatever their number; the
     * worker turns it into runs ({@link #expand}).
     *
     * @param chain the root of the chain whose run triggered them; null: they root chains of their own
     */
    void add(AccountId account, String trigger, @Nullable UUID card, int depth, @Nullable UUID chain,
            Map<String, ?> context, List<NewRun> runs) {
        jdbc.sql("""
                insert into automation_events (account_id, trigger_event, card_id, depth, chain_id, context,
                                               automation_ids, run_ids, statuses)
                values (:account, :trigger, :card, :depth, :chain, cast(:context as jsonb), :automations, :ids,
                        :statuses)
                """)
                .param("account", account.value()).param("trigger", trigger).param("card", card)
                .param("depth", depth).param("chain", chain).param("context", json.writeValueAsString(context))
                .param("automations", runs.stream().map(NewRun::automation).toArray(UUID[]::new))
                .param("ids", runs.stream().map(run -> Ids.newId()).toArray(UUID[]::new))
                .param("statuses", runs.stream().map(NewRun::status).toArray(String[]::new))
                .update();
    }

    /** What a chain has recorded so far: how many runs (its root not counted), and whether one was stopped. */
    record Chain(int runs, boolean stopped) {
    }

    /**
     * What a chain has recorded so far, the events still to be expanded included. Holds a lock on the chain until the
     * caller's transaction ends, so runs of one chain on several nodes count one after another.
     */
    Chain chain(UUID chain) {
        // a statement of its own: the count's snapshot, taken after the lock is granted, sees what the previous
        // holder recorded (a statement's snapshot is taken when it starts, before a lock inside it is waited for)
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(hashtextextended(cast(:chain as text), 0))) locked")
                .param("chain", chain).query(Integer.class).single();
        return jdbc.sql("""
                with runs as (select count(*) as n, coalesce(bool_or(status = 'loop_stopped'), false) as stopped
                              from automation_runs where chain_id = :chain),
                events as (select coalesce(sum(cardinality(run_ids)), 0) as n,
                                  coalesce(bool_or('loop_stopped' = any(statuses)), false) as stopped
                           from automation_events where chain_id = :chain)
                select cast(runs.n + events.n as int), runs.stopped or events.stopped
                from runs, events
                """)
                .param("chain", chain).query((rs, n) -> new Chain(rs.getInt(1), rs.getBoolean(2))).single();
    }

    /**
     * Turns the oldest recorded events of any account into their runs, each action listed as the rule names it
     * (pending, or not_run for a run that finished at once); needs the platform scope. The events are deleted by the
     * statement that inserts their runs, so each becomes its runs once, whichever node takes it. A rule deleted since
     * its event has no run. Returns how many events it took.
     */
    int expand(int limit) {
        return jdbc.sql("""
                with taken as (
                    delete from automation_events
                    where seq in (select seq from automation_events order by seq limit :limit for update skip locked)
                    returning *
                ), runs as (
                    insert into automation_runs (id, account_id, automation_id, trigger_event, card_id, context, depth,
                                                 chain_id, status, actions, created_at, finished_at)
                    select r.id, t.account_id, r.automation, t.trigger_event, t.card_id, t.context, t.depth, t.chain_id,
                           r.status,
                           (select coalesce(jsonb_agg(jsonb_build_object('type', action ->> 'type',
                                       'status', case when r.status = 'pending' then 'pending' else 'not_run' end,
                                       'detail', null) order by idx), '[]'::jsonb)
                            from jsonb_array_elements(a.rule -> 'actions') with ordinality as x(action, idx)),
                           t.created_at, case when r.status = 'pending' then null else now() end
                    from taken t
                         cross join lateral unnest(t.automation_ids, t.run_ids, t.statuses)
                             with ordinality as r(automation, id, status, ordinal)
                         join automations a on a.id = r.automation
                    order by t.seq, r.ordinal
                )
                select count(*) from taken
                """)
                .param("limit", limit).query(Integer.class).single();
    }

    /**
     * Claims due runs of any account, shared between the accounts that have some: each account's earliest due run
     * first, then each one's second, and so on, so one account's backlog delays another's runs by one turn, not by
     * its length. Returned in that order. Only accounts this node is not already working are taken, and at most
     * {@code accounts} of them, those whose first due run has waited longest. Two nodes may pick the same run; the
     * update checks again that its lease is free, so only one of them claims it. Needs the platform scope.
     */
    List<Run> claim(String node, int limit, Duration lease, int accounts, Set<AccountId> working) {
        var token = UUID.randomUUID();
        return jdbc.sql("""
                with recursive %s, candidates as (
                    select c.id, c.account_id, c.next_attempt_at, c.seq,
                           row_number() over (partition by c.account_id order by c.next_attempt_at, c.seq) as turn
                    from accounts a
                    cross join lateral (
                        select r.id, r.account_id, r.next_attempt_at, r.seq from automation_runs r
                        where r.status = 'pending' and r.account_id = a.account_id and r.next_attempt_at <= now()
                          and (r.lease_until is null or r.lease_until < now())
                        order by r.next_attempt_at, r.seq limit :limit) c
                    where a.account_id is not null and a.account_id <> all(cast(:working as bigint[]))
                ), chosen as (
                    select account_id from candidates where turn = 1 order by next_attempt_at, seq limit :accounts
                ), picked as (
                    select c.id, c.turn, c.next_attempt_at, c.seq from candidates c join chosen using (account_id)
                    order by turn, next_attempt_at, seq limit :limit
                ), claimed as (
                    update automation_runs r set claim_token = :token, claimed_by = :node, attempts = r.attempts + 1,
                        lease_until = now() + make_interval(secs => :lease)
                    from picked p
                    where r.id = p.id and r.status = 'pending' and (r.lease_until is null or r.lease_until < now())
                    returning r.id, r.account_id, r.automation_id, r.trigger_event, r.card_id,
                              r.context::text as context, r.depth, r.actions::text as actions, r.attempts,
                              r.claim_token, coalesce(r.chain_id, r.id) as chain_id, p.turn,
                              p.next_attempt_at as due, p.seq
                )
                select id, account_id, automation_id, trigger_event, card_id, context, depth, actions, attempts,
                       claim_token, chain_id
                from claimed order by turn, due, seq
                """.formatted(FairQueues.accountsWithPending("automation_runs")))
                .param("token", token).param("node", node).param("lease", lease.toMillis() / 1000.0)
                .param("limit", limit).param("accounts", accounts)
                .param("working", working.stream().mapToLong(AccountId::value).toArray())
                .query((rs, n) -> new Run(rs.getObject(1, UUID.class), new AccountId(rs.getLong(2)),
                        rs.getObject(3, UUID.class), rs.getString(4), rs.getObject(5, UUID.class),
                        json.readTree(rs.getString(6)), rs.getInt(7), (ArrayNode) json.readTree(rs.getString(8)),
                        rs.getInt(9), rs.getObject(10, UUID.class), rs.getObject(11, UUID.class)))
                .list();
    }

    /** Hands back runs this node claimed but never started (it is stopping), so another node takes them at once. */
    void release(List<Run> unstarted) {
        if (unstarted.isEmpty()) {
            return;
        }
        jdbc.sql("""
                update automation_runs set claim_token = null, claimed_by = null, lease_until = null,
                    attempts = greatest(attempts - 1, 0)
                where id = any(:ids) and claim_token = :token
                """)
                .param("ids", unstarted.stream().map(Run::id).toArray(UUID[]::new))
                .param("token", unstarted.getFirst().claimToken())
                .update();
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

    /** Names the card a conversation's run found when it started. */
    void card(Run run, UUID card) {
        jdbc.sql("update automation_runs set card_id = :card where account_id = :account and id = :id and card_id is null")
                .param("card", card).param("account", run.account().value()).param("id", run.id()).update();
    }

    boolean finish(Run run, String status) {
        return jdbc.sql("""
                update automation_runs set status = :status, finished_at = now(), claim_token = null, lease_until = null
                where account_id = :account and id = :id and claim_token = :token and status = 'pending'
                """)
                .param("status", status).param("account", run.account().value()).param("id", run.id())
                .param("token", run.claimToken()).update() == 1;
    }

    /** Ends the run as failed, each action not done yet recorded as failed with the reason. */
    boolean giveUp(Run run, String detail) {
        return jdbc.sql("""
                update automation_runs set status = 'failed', finished_at = now(), claim_token = null,
                    lease_until = null,
                    actions = (select jsonb_agg(case when a ->> 'status' in ('pending', 'started')
                                                     then a || jsonb_build_object('status', 'failed', 'detail', :detail)
                                                     else a end order by n)
                               from jsonb_array_elements(actions) with ordinality as x (a, n))
                where account_id = :account and id = :id and claim_token = :token and status = 'pending'
                """)
                .param("detail", detail).param("account", run.account().value()).param("id", run.id())
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
    @Transactional(readOnly = true)
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
