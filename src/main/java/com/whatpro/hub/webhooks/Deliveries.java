package com.whatpro.hub.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.database.FairQueues;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable deliveries ({@code webhook_deliveries}), claimed like the gateway's jobs: a claim moves a due delivery
 * one lease into the future and gives it a claim token, and only the token's holder records its outcome. A lease
 * outlasts the longest attempt, so a living node never loses a delivery it is sending, and a delivery is never sent by
 * two nodes at once; the deliveries of a node that dies come due again when their leases run out.
 */
@Repository
class Deliveries {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    Deliveries(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
    }

    enum Status {
        PENDING, DELIVERED, FAILED;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Delivery(UUID id, UUID subscriptionId, String event, Status status, int attempts,
            @Nullable Integer lastStatus, @Nullable String lastError, @Nullable Instant deliveredAt,
            @Nullable Instant nextAttemptAt, Instant createdAt) {
    }

    /** A delivery this node claimed. */
    record Claimed(UUID id, AccountId account, UUID subscriptionId, String event, String body, int attempts,
            Instant windowStartedAt, UUID claimToken) {
    }

    /** One delivery of {@code body} to each subscription, in the current transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    void enqueue(AccountId account, List<UUID> subscriptions, EventType event, String body) {
        var ids = subscriptions.stream().map(s -> Ids.newId()).toArray(UUID[]::new);
        jdbc.sql("""
                insert into webhook_deliveries (id, account_id, subscription_id, event, body)
                select id, :account, subscription, :event, :body
                from unnest(cast(:ids as uuid[]), cast(:subscriptions as uuid[])) as d (id, subscription)
                """)
                .param("account", account.value()).param("event", event.key()).param("body", body)
                .param("ids", ids).param("subscriptions", subscriptions.toArray(UUID[]::new)).update();
    }

    /**
     * Claims up to {@code max} due deliveries for {@code node}: of each account with due deliveries, as many as its
     * room on the node ({@code perAccount} less those of its the node is sending, {@code busy}), the accounts' first
     * due deliveries before anyone's second, however long one account's backlog is. Two nodes may pick the same row;
     * the update checks again that it is still due, so only one of them claims it.
     */
    List<Claimed> claim(String node, int max, Duration lease, int perAccount, Map<AccountId, Integer> busy) {
        if (max <= 0) {
            return List.of();
        }
        var token = UUID.randomUUID();
        var busyAccounts = busy.keySet().stream().mapToLong(AccountId::value).toArray();
        var busyCounts = busy.values().stream().mapToInt(Integer::intValue).toArray();
        return Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                with recursive %s, %s, turns as (
                    select c.id, c.next_attempt_at,
                           row_number() over (partition by c.account_id order by c.next_attempt_at, c.id) as turn
                    from room r
                    cross join lateral (
                        select d.id, d.account_id, d.next_attempt_at from webhook_deliveries d
                        where d.status = 'pending' and d.account_id = r.account_id and d.next_attempt_at <= now()
                        order by d.next_attempt_at, d.id limit r.room) c
                ), picked as (
                    select id from turns order by turn, next_attempt_at limit :max
                )
                update webhook_deliveries d
                set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => :lease),
                    claimed_by = :node, claim_token = :token
                from picked p
                where d.id = p.id and d.status = 'pending' and d.next_attempt_at <= now()
                returning d.id, d.account_id, d.subscription_id, d.event, d.body, d.attempts, d.window_started_at
                """.formatted(FairQueues.accountsWithPending("webhook_deliveries"), FairQueues.roomPerAccount()))
                .param("perAccount", perAccount).param("busyAccounts", busyAccounts).param("busyCounts", busyCounts)
                .param("max", max)
                .param("lease", lease.toMillis() / 1000.0).param("node", node).param("token", token)
                .query((rs, n) -> new Claimed(rs.getObject("id", UUID.class), AccountId.of(rs.getLong("account_id")),
                        rs.getObject("subscription_id", UUID.class), rs.getString("event"), rs.getString("body"),
                        rs.getInt("attempts"), rs.getTimestamp("window_started_at").toInstant(), token))
                .list())));
    }

    /** The receiver took it; in the caller's transaction, if the claim is still held. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean delivered(Claimed claim, int status) {
        return jdbc.sql("""
                update webhook_deliveries set status = 'delivered', delivered_at = now(), last_status = :status,
                    last_error = null, claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("status", status).param("id", claim.id()).param("token", claim.claimToken()).update() > 0;
    }

    /** Another attempt after {@code delay}; in the caller's transaction, if the claim is still held. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean retry(Claimed claim, Duration delay, @Nullable Integer status, String error) {
        return jdbc.sql("""
                update webhook_deliveries set next_attempt_at = now() + make_interval(secs => :delay),
                    last_status = :status, last_error = :error, claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("delay", delay.toMillis() / 1000.0).param("status", status).param("error", truncate(error))
                .param("id", claim.id()).param("token", claim.claimToken()).update() > 0;
    }

    /** No more attempts; in the caller's transaction, if the claim is still held. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean failed(Claimed claim, @Nullable Integer status, String error) {
        return jdbc.sql("""
                update webhook_deliveries set status = 'failed', last_status = :status, last_error = :error,
                    claim_token = null
                where id = :id and claim_token = :token and status = 'pending'
                """)
                .param("status", status).param("error", truncate(error)).param("id", claim.id())
                .param("token", claim.claimToken()).update() > 0;
    }

    /** A subscription's deliveries, newest first, from after {@code before} (a delivery id). */
    @Transactional(readOnly = true)
    List<Delivery> list(AccountId account, UUID subscription, int limit, @Nullable UUID before) {
        return jdbc.sql("""
                select * from webhook_deliveries
                where account_id = :account and subscription_id = :subscription
                  and (cast(:before as uuid) is null or id < cast(:before as uuid))
                order by id desc limit :limit
                """)
                .param("account", account.value()).param("subscription", subscription).param("before", before)
                .param("limit", limit).query(Deliveries::delivery).list();
    }

    @Transactional(readOnly = true)
    Optional<Delivery> find(AccountId account, UUID subscription, UUID id) {
        return jdbc.sql("""
                select * from webhook_deliveries
                where account_id = :account and subscription_id = :subscription and id = :id
                """)
                .param("account", account.value()).param("subscription", subscription).param("id", id)
                .query(Deliveries::delivery).optional();
    }

    /**
     * Sends a finished delivery again, soon, under the same {@code webhook-id}, with a new retry window; false when
     * it is still pending (it is being sent or retried already).
     */
    @Transactional
    boolean redeliver(AccountId account, UUID subscription, UUID id) {
        return jdbc.sql("""
                update webhook_deliveries set status = 'pending', next_attempt_at = now(), window_started_at = now(),
                    delivered_at = null, claim_token = null
                where account_id = :account and subscription_id = :subscription and id = :id and status <> 'pending'
                """)
                .param("account", account.value()).param("subscription", subscription).param("id", id).update() > 0;
    }

    /** Forgets finished deliveries older than {@code age}, across accounts; returns how many. */
    int purge(Duration age) {
        return Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                delete from webhook_deliveries
                where status <> 'pending' and created_at < now() - make_interval(secs => :age)
                """).param("age", age.toSeconds()).update())));
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        var status = Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT));
        return new Delivery(rs.getObject("id", UUID.class), rs.getObject("subscription_id", UUID.class),
                rs.getString("event"), status, rs.getInt("attempts"), rs.getObject("last_status", Integer.class),
                rs.getString("last_error"), instant(rs.getTimestamp("delivered_at")),
                status == Status.PENDING ? instant(rs.getTimestamp("next_attempt_at")) : null,
                rs.getTimestamp("created_at").toInstant());
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String truncate(String error) {
        return error.length() <= 500 ? error : error.substring(0, 500) + "…";
    }
}
