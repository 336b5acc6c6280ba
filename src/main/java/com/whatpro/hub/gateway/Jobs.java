package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.Tenancy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable work queue ({@code gateway_jobs}). Work is added inside the transaction that decides it (a webhook
 * stored, a message queued), so it exists exactly when that transaction committed. Workers claim due jobs across
 * all accounts in the platform scope with {@code FOR UPDATE SKIP LOCKED}; a claim moves the job one lease into the
 * future, so the work of a node that dies comes due again on its own.
 */
@Repository
class Jobs {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Wakeups wakeups;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;

    Jobs(JdbcClient jdbc, JsonMapper json, Wakeups wakeups, ApplicationEventPublisher events,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.events = events;
        this.json = json;
        this.wakeups = wakeups;
        this.transactions = new TransactionTemplate(transactions);
    }

    /**
     * Work to add.
     *
     * @param dedupKey a second job with the same key in the same account is dropped; null: never a duplicate
     * @param orderingKey jobs with the same key run one after another on a node
     * @param notBefore the earliest time to run it; null: now
     */
    record NewJob(JobKind kind, @Nullable String dedupKey, @Nullable String orderingKey, Object payload,
            @Nullable Instant notBefore) {

        NewJob(JobKind kind, @Nullable String dedupKey, @Nullable String orderingKey, Object payload) {
            this(kind, dedupKey, orderingKey, payload, null);
        }
    }

    /** A job a worker claimed. */
    record Claimed(UUID id, AccountId account, JobKind kind, String payload, int attempts,
            @Nullable String orderingKey, UUID claimToken) {
    }

    record DeadLetter(UUID id, JobKind kind, int attempts, @Nullable String lastError, JsonNode payload,
            Instant createdAt, @Nullable Instant failedAt) {
    }

    /**
     * Adds work in the current transaction, dropping duplicates (of earlier work and within {@code jobs}), in one
     * statement; workers are woken once it commits.
     *
     * @return for each job, in order, whether it was added (false: a duplicate)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean[] enqueue(AccountId account, List<NewJob> jobs) {
        var ids = new UUID[jobs.size()];
        var kinds = new String[jobs.size()];
        var dedups = new String[jobs.size()];
        var orderings = new String[jobs.size()];
        var payloads = new String[jobs.size()];
        var notBefore = new String[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            var job = jobs.get(i);
            ids[i] = Ids.newId();
            kinds[i] = job.kind().key();
            dedups[i] = job.dedupKey();
            orderings[i] = job.orderingKey();
            payloads[i] = json.writeValueAsString(job.payload());
            notBefore[i] = job.notBefore() == null ? null : job.notBefore().toString();
        }
        var added = new java.util.HashSet<>(jdbc.sql("""
                insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, next_attempt_at)
                select id, :account, kind, dedup, ordering, cast(payload as jsonb), coalesce(at, now())
                from unnest(cast(:ids as uuid[]), cast(:kinds as text[]), cast(:dedups as text[]),
                            cast(:orderings as text[]), cast(:payloads as text[]), cast(:ats as timestamptz[]))
                     as job(id, kind, dedup, ordering, payload, at)
                on conflict (account_id, dedup_key) do nothing
                returning id
                """)
                .param("account", account.value()).param("ids", ids).param("kinds", kinds).param("dedups", dedups)
                .param("orderings", orderings).param("payloads", payloads).param("ats", notBefore)
                .query(UUID.class).list());
        var result = new boolean[jobs.size()];
        for (int i = 0; i < ids.length; i++) {
            result[i] = added.contains(ids[i]);
        }
        if (!added.isEmpty()) {
            wakeups.signal();
        }
        return result;
    }

    /** Claims up to {@code max} due jobs of any account for {@code node}, for one lease. */
    List<Claimed> claim(String node, int max, Duration lease) {
        var token = UUID.randomUUID();
        var claimed = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                update gateway_jobs j
                set attempts = j.attempts + 1, next_attempt_at = now() + make_interval(secs => :lease),
                    claimed_by = :node, claim_token = :token
                from (select id from gateway_jobs where status = 'pending' and next_attempt_at <= now()
                      order by next_attempt_at, seq limit :max for update skip locked) due
                where j.id = due.id
                returning j.id, j.account_id, j.kind, j.payload::text, j.attempts, j.ordering_key, j.seq
                """)
                .param("lease", seconds(lease)).param("node", node).param("token", token).param("max", max)
                .query((rs, n) -> new Ordered(rs.getLong("seq"), new Claimed(rs.getObject("id", UUID.class),
                        AccountId.of(rs.getLong("account_id")), JobKind.of(rs.getString("kind")),
                        rs.getString("payload"), rs.getInt("attempts"), rs.getString("ordering_key"), token)))
                .list()));
        return Objects.requireNonNull(claimed).stream()
                .sorted(java.util.Comparator.comparingLong(Ordered::seq)).map(Ordered::job).toList();
    }

    private record Ordered(long seq, Claimed job) {
    }

    /**
     * Done, whoever holds the claims now: the work is finished. Recorded for many jobs (of any account) at once;
     * should the node die before, the jobs run again, which every handler recognises and skips.
     */
    void done(List<UUID> ids) {
        Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                update gateway_jobs set status = 'done', finished_at = now(), last_error = null, claim_token = null
                where id = any(:ids) and status = 'pending'
                """).param("ids", ids.toArray(UUID[]::new)).update()));
    }

    /** Tries again after {@code delay}, if this node still holds the claim. */
    void retry(Claimed job, Duration delay, String error) {
        transactions.executeWithoutResult(status -> jdbc.sql("""
                update gateway_jobs set next_attempt_at = now() + make_interval(secs => :delay), last_error = :error,
                    claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("delay", seconds(delay)).param("error", truncate(error)).param("id", job.id())
                .param("token", job.claimToken()).update());
    }

    /** Runs it at {@code at} without counting this attempt (a send limit, not a failure). */
    void postpone(Claimed job, Instant at) {
        transactions.executeWithoutResult(status -> jdbc.sql("""
                update gateway_jobs set next_attempt_at = :at, attempts = greatest(attempts - 1, 0), claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("at", Timestamp.from(at)).param("id", job.id()).param("token", job.claimToken()).update());
    }

    /** A dead letter: kept with its error until an admin replays it. */
    void dead(Claimed job, String error) {
        transactions.executeWithoutResult(status -> jdbc.sql("""
                update gateway_jobs set status = 'dead', finished_at = now(), last_error = :error, claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("error", truncate(error)).param("id", job.id()).param("token", job.claimToken()).update());
    }

    /** A page of the account's dead letters, newest first, before the cursor. */
    @Transactional(readOnly = true)
    List<DeadLetter> deadLetters(AccountId account, @Nullable UUID before, int limit) {
        return jdbc.sql("""
                select id, kind, attempts, last_error, payload::text, created_at, finished_at from gateway_jobs
                where account_id = :account and status = 'dead' and (cast(:before as uuid) is null or id < :before)
                order by id desc limit :limit
                """)
                .param("account", account.value()).param("before", before).param("limit", limit)
                .query(this::deadLetter).list();
    }

    /** Puts a dead letter back in the queue, due now, with its attempts reset. */
    @Transactional
    boolean replay(AccountId account, UUID id) {
        var replayed = jdbc.sql("""
                update gateway_jobs set status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = null,
                    claim_token = null
                where account_id = :account and id = :id and status = 'dead'
                """).param("account", account.value()).param("id", id).update() > 0;
        if (replayed) {
            events.publishEvent(new GatewayChanged(account, "dead_letter.replayed", "dead_letter", id.toString(),
                    java.util.Map.of()));
            wakeups.signal();
        }
        return replayed;
    }

    /** Deletes finished work older than {@code retention}, a batch at a time; returns how many. */
    int purge(Duration retention) {
        var deleted = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                delete from gateway_jobs where id in (
                    select id from gateway_jobs where status = 'done' and finished_at < now() - make_interval(secs => :retention)
                    limit 10000)
                """).param("retention", seconds(retention)).update()));
        return deleted == null ? 0 : deleted;
    }

    private DeadLetter deadLetter(ResultSet rs, int row) throws SQLException {
        var failed = rs.getTimestamp("finished_at");
        return new DeadLetter(rs.getObject("id", UUID.class), JobKind.of(rs.getString("kind")), rs.getInt("attempts"),
                rs.getString("last_error"), json.readTree(rs.getString("payload")),
                rs.getTimestamp("created_at").toInstant(), failed == null ? null : failed.toInstant());
    }

    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String truncate(String error) {
        return error.length() <= 2000 ? error : error.substring(0, 2000) + "…";
    }
}
