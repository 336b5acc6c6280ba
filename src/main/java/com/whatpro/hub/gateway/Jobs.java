package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.database.FairQueues;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * stored, a message queued), so it exists exactly when that transaction committed. Workers claim due jobs in the
 * platform scope, shared fairly between accounts; a claim moves the job one lease into the future and gives it a
 * claim token. The holder renews the lease while it works ({@link #renew}), and every change of a claimed job's state
 * names the token, so only the current holder can finish, retry or bury it. The work of a node that dies comes due
 * again when its leases run out.
 */
@Repository
class Jobs {

    /** The key of the advisory lock that claims take, one at a time across nodes. */
    private static final long CLAIM_LOCK = 0x77_68_61_74_70_72_6fL; // "whatpro"
    /**
     * The jobs of {@code :ids} still held by {@code :tokens}, locked in id order: the heartbeat and the recording of
     * finished jobs change many of a node's jobs at once, and locking them in the same order keeps the two from
     * deadlocking.
     */
    private static final String HELD_IN_ORDER = """
            select j.id from gateway_jobs j
            join unnest(cast(:ids as uuid[]), cast(:tokens as uuid[])) as h (id, token)
              on j.id = h.id and j.claim_token = h.token
            where j.status = 'pending'
            order by j.id for update of j""";

    /** How many of an account's earliest due jobs a claim looks at. */
    static final int WINDOW = 500;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Wakeups wakeups;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final JobTraces traces;

    Jobs(JdbcClient jdbc, JsonMapper json, Wakeups wakeups, ApplicationEventPublisher events,
            PlatformTransactionManager transactions, JobTraces traces) {
        this.jdbc = jdbc;
        this.traces = traces;
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
            @Nullable String orderingKey, UUID claimToken, long seq, @Nullable String traceparent, boolean stolen) {
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
        var traceparent = traces.current();
        var traceparents = new String[jobs.size()];
        java.util.Arrays.fill(traceparents, traceparent);
        return enqueue(account, jobs, traceparents);
    }

    /**
     * Likewise, each job carrying the trace it continues ({@code traceparents[i]}, W3C; null: none), for work gathered
     * from several requests.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean[] enqueue(AccountId account, List<NewJob> jobs, @Nullable String[] traceparents) {
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
                insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, next_attempt_at,
                                          traceparent)
                select id, :account, kind, dedup, ordering, cast(payload as jsonb), coalesce(at, now()), traceparent
                from unnest(cast(:ids as uuid[]), cast(:kinds as text[]), cast(:dedups as text[]),
                            cast(:orderings as text[]), cast(:payloads as text[]), cast(:ats as timestamptz[]),
                            cast(:traceparents as text[]))
                     as job(id, kind, dedup, ordering, payload, at, traceparent)
                on conflict (account_id, dedup_key) do nothing
                returning id
                """)
                .param("account", account.value()).param("ids", ids).param("kinds", kinds).param("dedups", dedups)
                .param("orderings", orderings).param("payloads", payloads).param("ats", notBefore)
                .param("traceparents", traceparents).query(UUID.class).list());
        var result = new boolean[jobs.size()];
        for (int i = 0; i < ids.length; i++) {
            result[i] = added.contains(ids[i]);
        }
        if (!added.isEmpty()) {
            wakeups.signal();
        }
        return result;
    }

    /**
     * Claims up to {@code max} due jobs for {@code node}, for one lease, sharing them between the accounts with due
     * work: each account's first due job comes before any account's second, and so on, with the accounts after
     * {@code after} (by id) first, so that successive claims go round. No account gets more than
     * {@code perAccount} minus what it already has in flight on the node ({@code busy}). A job is claimed only while
     * no earlier job of its ordering key is pending (claimed elsewhere, waiting for a retry, or not yet due), so a
     * contact's jobs run one after another across nodes; claims take a transaction-scoped advisory lock, so two
     * nodes never judge that at the same time. Each account's first {@value #WINDOW} due jobs are looked at, and the
     * look stops at the account's room: a deep backlog costs a claim no more than the jobs it can take.
     */
    List<Claimed> claim(String node, int max, Duration lease, int perAccount, Map<AccountId, Integer> busy,
            long after) {
        if (max <= 0) {
            return List.of();
        }
        var token = UUID.randomUUID();
        var busyAccounts = busy.keySet().stream().mapToLong(AccountId::value).toArray();
        var busyCounts = busy.values().stream().mapToInt(Integer::intValue).toArray();
        var claimed = Tenancy.callAsPlatform(() -> transactions.execute(status -> {
            jdbc.sql("select 1 from (select pg_advisory_xact_lock(:key)) locked").param("key", CLAIM_LOCK)
                    .query(Integer.class).single();
            return jdbc.sql("""
                with recursive %s, %s, candidates as (
                    select c.id, c.account_id, c.claim_token,
                           row_number() over (partition by c.account_id order by c.next_attempt_at, c.seq) as turn
                    from room r
                    cross join lateral (
                        select w.* from (
                            select j.id, j.account_id, j.next_attempt_at, j.seq, j.ordering_key, j.claim_token
                            from gateway_jobs j
                            where j.status = 'pending' and j.account_id = r.account_id and j.next_attempt_at <= now()
                            order by j.next_attempt_at, j.seq limit :window) w
                        where w.ordering_key is null or not exists (
                            select 1 from gateway_jobs e
                            where e.status = 'pending' and e.account_id = w.account_id
                              and e.ordering_key = w.ordering_key and e.seq < w.seq)
                        limit r.room) c
                ), picked as (
                    select id, claim_token is not null as stolen from candidates
                    order by turn, account_id > :after desc, account_id limit :max
                )
                update gateway_jobs j
                set attempts = j.attempts + 1, next_attempt_at = now() + make_interval(secs => :lease),
                    claimed_by = :node, claim_token = :token
                from picked p
                where j.id = p.id and j.status = 'pending'
                returning j.id, j.account_id, j.kind, j.payload::text, j.attempts, j.ordering_key, j.seq, j.traceparent,
                          p.stolen
                """.formatted(FairQueues.accountsWithPending("gateway_jobs"), FairQueues.roomPerAccount()))
                .param("perAccount", perAccount).param("busyAccounts", busyAccounts)
                .param("busyCounts", busyCounts).param("window", WINDOW).param("after", after)
                .param("lease", seconds(lease)).param("node", node).param("token", token).param("max", max)
                .query((rs, n) -> new Claimed(rs.getObject("id", UUID.class),
                        AccountId.of(rs.getLong("account_id")), JobKind.of(rs.getString("kind")),
                        rs.getString("payload"), rs.getInt("attempts"), rs.getString("ordering_key"), token,
                        rs.getLong("seq"), rs.getString("traceparent"), rs.getBoolean("stolen")))
                .list();
        }));
        return Objects.requireNonNull(claimed).stream().sorted(Comparator.comparingLong(Claimed::seq)).toList();
    }

    /**
     * Moves the leases of jobs this node still holds one lease ahead (a heartbeat); returns those renewed. A job
     * missing from the answer is no longer this node's: its lease ran out and another node may have it.
     */
    Set<UUID> renew(Collection<Claimed> held, Duration lease) {
        if (held.isEmpty()) {
            return Set.of();
        }
        var renewed = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                with held as (%s)
                update gateway_jobs j set next_attempt_at = now() + make_interval(secs => :lease)
                from held where j.id = held.id
                returning j.id
                """.formatted(HELD_IN_ORDER))
                .param("lease", seconds(lease)).param("ids", held.stream().map(Claimed::id).toArray(UUID[]::new))
                .param("tokens", held.stream().map(Claimed::claimToken).toArray(UUID[]::new))
                .query(UUID.class).list()));
        return new HashSet<>(Objects.requireNonNull(renewed));
    }

    /** Whether this claim still holds the job: checked before each side effect that must not happen twice. */
    void ensureHeld(Claimed job) {
        var held = transactions.execute(status -> jdbc.sql("""
                select exists (select 1 from gateway_jobs where id = :id and claim_token = :token and status = 'pending')
                """).param("id", job.id()).param("token", job.claimToken()).query(Boolean.class).single());
        if (!Boolean.TRUE.equals(held)) {
            throw new JobFailure.LeaseLost(job.id());
        }
    }

    /**
     * Done, for the jobs whose claims are still held: recorded for many jobs (of any account) at once. A job whose
     * lease was lost stays with the node that took it over, which recognises the work as done and skips it.
     */
    void done(List<Claimed> finished) {
        Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                with held as (%s)
                update gateway_jobs j set status = 'done', finished_at = now(), last_error = null, claim_token = null
                from held where j.id = held.id
                """.formatted(HELD_IN_ORDER))
                .param("ids", finished.stream().map(Claimed::id).toArray(UUID[]::new))
                .param("tokens", finished.stream().map(Claimed::claimToken).toArray(UUID[]::new)).update()));
    }

    /** Tries again after {@code delay}, if this node still holds the claim; the key's later jobs wait for it. */
    void retry(Claimed job, Duration delay, String error) {
        transactions.executeWithoutResult(status -> {
            var at = jdbc.sql("""
                    update gateway_jobs set next_attempt_at = now() + make_interval(secs => :delay), last_error = :error,
                        claim_token = null
                    where id = :id and claim_token = :token and status = 'pending'
                    returning next_attempt_at
                    """)
                    .param("delay", seconds(delay)).param("error", truncate(error)).param("id", job.id())
                    .param("token", job.claimToken()).query(Timestamp.class).optional();
            at.ifPresent(next -> holdBack(job, next));
        });
    }

    /** Runs it at {@code at} without counting this attempt (a send limit, not a failure). */
    void postpone(Claimed job, Instant at) {
        transactions.executeWithoutResult(status -> {
            var moved = jdbc.sql("""
                    update gateway_jobs set next_attempt_at = :at, attempts = greatest(attempts - 1, 0), claim_token = null
                    where id = :id and claim_token = :token and status = 'pending'
                    """)
                    .param("at", Timestamp.from(at)).param("id", job.id()).param("token", job.claimToken()).update();
            if (moved > 0) {
                holdBack(job, Timestamp.from(at));
            }
        });
    }

    /**
     * The key's later jobs cannot be claimed before {@code job} anyway: they move to its time, so that meanwhile they
     * stay out of the due jobs that claims look at.
     */
    private void holdBack(Claimed job, Timestamp at) {
        if (job.orderingKey() == null) {
            return;
        }
        jdbc.sql("""
                update gateway_jobs set next_attempt_at = :at
                where status = 'pending' and account_id = :account and ordering_key = :key and seq > :seq
                  and next_attempt_at < :at
                """)
                .param("at", at).param("account", job.account().value()).param("key", job.orderingKey())
                .param("seq", job.seq()).update();
    }

    /** A dead letter: kept with its error until an admin replays it; false when this node no longer held it. */
    boolean dead(Claimed job, String error) {
        return Boolean.TRUE.equals(transactions.execute(status -> jdbc.sql("""
                update gateway_jobs set status = 'dead', finished_at = now(), last_error = :error, claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("error", truncate(error)).param("id", job.id()).param("token", job.claimToken()).update() > 0));
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

    /** How an account's queue stands (see {@link #stats}). */
    record Stats(long pending, long running, long deadLetters, long oldestPendingSeconds, long deliveredLast5m,
            long failedLast5m) {
    }

    /**
     * The account's queue now: jobs waiting (due or not yet), running (claimed, lease alive), dead letters, the age of
     * its oldest unfinished job (waiting or running; 0 when none), and the jobs finished (done) and buried (dead) in
     * the last five minutes. Reads only the account's pending jobs and its recent finished ones, through their indexes.
     */
    @Transactional(readOnly = true)
    Stats stats(AccountId account) {
        return jdbc.sql("""
                with live as (
                    select created_at, claim_token is not null and next_attempt_at > now() as running
                    from gateway_jobs where account_id = :account and status = 'pending')
                select
                    (select count(*) filter (where not running) from live) as pending,
                    (select count(*) filter (where running) from live) as running,
                    (select count(*) from gateway_jobs where account_id = :account and status = 'dead') as dead,
                    (select coalesce(floor(extract(epoch from now() - min(created_at))), 0) from live) as oldest,
                    (select count(*) from gateway_jobs where account_id = :account and status = 'done'
                        and finished_at > now() - interval '5 minutes') as delivered,
                    (select count(*) from gateway_jobs where account_id = :account and status = 'dead'
                        and finished_at > now() - interval '5 minutes') as failed
                """)
                .param("account", account.value())
                .query((rs, n) -> new Stats(rs.getLong("pending"), rs.getLong("running"), rs.getLong("dead"),
                        rs.getLong("oldest"), rs.getLong("delivered"), rs.getLong("failed")))
                .single();
    }

    /** Jobs of one kind in one state, across all accounts ({@code state}: pending, running or dead). */
    record Count(JobKind kind, String state, long jobs, double oldestSeconds) {
    }

    /** The whole queue by kind and state in one grouped read (for metrics); finished work is not counted. */
    List<Count> counts() {
        var counts = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                select kind, state, count(*) as jobs, extract(epoch from now() - min(created_at)) as oldest
                from (select kind, created_at,
                             case when status = 'dead' then 'dead'
                                  when claim_token is not null and next_attempt_at > now() then 'running'
                                  else 'pending' end as state
                      from gateway_jobs where status in ('pending', 'dead')) jobs
                group by kind, state
                """)
                .query((rs, n) -> new Count(JobKind.of(rs.getString("kind")), rs.getString("state"),
                        rs.getLong("jobs"), rs.getDouble("oldest")))
                .list()));
        return Objects.requireNonNull(counts);
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
