package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Backoff;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.Tenancy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims on gateway work that must not run twice at once, across nodes ({@code gateway_claims}): posting a message
 * into Chatwoot ({@link ChatwootPosts}) and opening a contact's conversation ({@link Conversations}). Unlike a lock,
 * a claim holds no database connection or transaction while its holder waits on the tenant's Chatwoot, however slow
 * that is: it is a row, taken in one short statement (won when nobody holds the key or its holder's claim expired)
 * and deleted when the work is recorded.
 *
 * <p>A claim expires {@link #ttl()} after it was taken or last renewed, so the claim of a node that died frees itself.
 * Its holder renews it before each Chatwoot call ({@link Claim#ensureHeld()}). A call ends within its deadline (the
 * Chatwoot connect plus read timeout) and the TTL is twice that, so a claim is never taken over while its holder's
 * call is under way, and a holder whose claim was taken over stops before its next call.
 *
 * <p>A run that finds the key claimed by another waits for it, polling with nothing held, for up to {@link #WAIT};
 * then its job is postponed ({@link JobFailure.NotYet}), which uses up none of the job's attempts, so a contended
 * claim never makes a dead letter. Since every wait ends, claims cannot deadlock.
 */
@Repository
class Claims {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    /** How long a run waits for a claim another holds before its job is postponed. */
    static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL = Duration.ofMillis(250);
    private static final Duration POSTPONED = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration ttl;

    Claims(JdbcClient jdbc, PlatformTransactionManager transactions, ChatwootSettings chatwoot, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
        this.ttl = chatwoot.connectTimeout().plus(chatwoot.readTimeout()).multipliedBy(2);
    }

    /** How long a claim lasts after it was taken or renewed. */
    Duration ttl() {
        return ttl;
    }

    /**
     * Claims {@code key} in the account for a new holder, waiting while another holds it; call it outside any
     * transaction, so that nothing is held while it waits.
     *
     * @throws JobFailure.NotYet when the key stays claimed by another for {@link #WAIT}
     */
    Claim take(AccountId account, String key) {
        var claim = new Claim(account, Ids.newId());
        claim.take(key);
        return claim;
    }

    /** Deletes claims long expired (their holders died); returns how many. */
    int purge() {
        return Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                delete from gateway_claims where expires_at < now() - make_interval(secs => :ttl)
                """).param("ttl", Jobs.seconds(ttl)).update())));
    }

    /** One holder's claim on keys of an account; used by one run, never shared between threads. */
    final class Claim {

        private final AccountId account;
        private final UUID holder;
        private final List<String> keys = new ArrayList<>();
        private boolean released;

        private Claim(AccountId account, UUID holder) {
            this.account = account;
            this.holder = holder;
        }

        /**
         * Claims {@code key} too, for the same holder, waiting like {@link Claims#take}.
         *
         * @throws JobFailure.NotYet when the key stays claimed by another for {@link #WAIT}
         */
        Claim also(String key) {
            take(key);
            return this;
        }

        private void take(String key) {
            var deadline = System.nanoTime() + WAIT.toNanos();
            for (int poll = 1; !won(key); poll++) {
                var pause = Backoff.capped(FIRST_POLL, LONGEST_POLL, poll);
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    throw postponed("another run holds the claim of " + key);
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw postponed("interrupted while waiting for the claim of " + key);
                }
            }
            keys.add(key);
        }

        private boolean won(String key) {
            return Objects.requireNonNull(transactions.execute(status -> jdbc.sql("""
                    insert into gateway_claims (account_id, claim_key, holder, expires_at)
                    values (:account, :key, :holder, now() + make_interval(secs => :ttl))
                    on conflict (account_id, claim_key) do update
                    set holder = excluded.holder, expires_at = excluded.expires_at
                    where gateway_claims.expires_at < now()
                    returning holder
                    """)
                    .param("account", account.value()).param("key", key).param("holder", holder)
                    .param("ttl", Jobs.seconds(ttl)).query(UUID.class).optional().isPresent()));
        }

        /**
         * Before each Chatwoot call: every key is still this holder's, renewed for another {@link #ttl()}.
         *
         * @throws JobFailure.NotYet when the claim expired and another run took it over: this run must stop
         */
        void ensureHeld() {
            var renewed = transactions.execute(status -> jdbc.sql("""
                    update gateway_claims set expires_at = now() + make_interval(secs => :ttl)
                    where account_id = :account and claim_key = any(cast(:keys as text[])) and holder = :holder
                    """)
                    .param("ttl", Jobs.seconds(ttl)).param("account", account.value())
                    .param("keys", keys.toArray(String[]::new)).param("holder", holder).update());
            if (!Objects.equals(renewed, keys.size())) {
                throw postponed("the claim of " + keys + " expired and was taken over");
            }
        }

        /** Runs {@code record} and gives the claim back, in one transaction. */
        void releaseRecording(Runnable record) {
            transactions.executeWithoutResult(status -> {
                record.run();
                if (!released && !keys.isEmpty()) {
                    jdbc.sql("""
                            delete from gateway_claims
                            where account_id = :account and claim_key = any(cast(:keys as text[])) and holder = :holder
                            """)
                            .param("account", account.value()).param("keys", keys.toArray(String[]::new))
                            .param("holder", holder).update();
                }
            });
            released = true;
        }

        /** Gives the claim back, unless that is done; should that fail, the claim expires. */
        void release() {
            if (released || keys.isEmpty()) {
                return;
            }
            // a job stopped by an interrupt (shutdown) still gives its claim back: the database call would fail
            var interrupted = Thread.interrupted();
            try {
                releaseRecording(() -> {
                });
            } catch (RuntimeException e) {
                log.info("Giving back the claim of {} failed; it expires within {}: {}", keys, ttl, e.toString());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private JobFailure.NotYet postponed(String why) {
            var retry = POSTPONED.plusMillis(ThreadLocalRandom.current().nextLong(POSTPONED.toMillis() + 1));
            log.debug("A gateway job of account {} waits {}: {}", account.value(), retry, why);
            return new JobFailure.NotYet(clock.instant().plus(retry));
        }
    }
}
