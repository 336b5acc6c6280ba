package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.providers.ProviderType;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Send limits per number and per recipient, shared by every node: each message reserves the next slot of the
 * generic cell rate algorithm (one timestamp per number and per recipient in {@code gateway_pacing}), and its send
 * job is scheduled for that slot. A message over the limit waits; it is never refused.
 */
@Repository
class Pacing {

    private final JdbcClient jdbc;
    private final GatewaySettings.Pacing settings;
    private final TransactionTemplate transactions;

    Pacing(JdbcClient jdbc, GatewaySettings settings, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.settings = settings.pacing();
        this.transactions = new TransactionTemplate(transactions);
    }

    /** Reserves the earliest time a message from the number to {@code recipient} may go, in the current transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    Instant reserve(AccountId account, UUID providerId, ProviderType type, String recipient) {
        var slot = Instant.EPOCH;
        var rate = settings.perSecond(type);
        if (rate > 0) {
            slot = reserve(account, providerId, "", Duration.ofNanos((long) (1_000_000_000 / rate)), settings.burst());
        }
        var perRecipient = settings.perRecipient(type);
        if (!perRecipient.isZero()) {
            var recipientSlot = reserve(account, providerId, recipient, perRecipient, Duration.ZERO);
            if (recipientSlot.isAfter(slot)) {
                slot = recipientSlot;
            }
        }
        return slot;
    }

    /**
     * GCRA: with theoretical arrival time {@code tat}, a message may go at {@code max(now, tat - tolerance)}, and
     * the new {@code tat} is {@code max(tat, now) + interval}.
     */
    private Instant reserve(AccountId account, UUID providerId, String recipient, Duration interval,
            Duration tolerance) {
        return jdbc.sql("""
                insert into gateway_pacing (account_id, provider_id, recipient, tat)
                values (:account, :provider, :recipient, now() + make_interval(secs => :interval))
                on conflict (account_id, provider_id, recipient)
                do update set tat = greatest(gateway_pacing.tat, now()) + make_interval(secs => :interval)
                returning greatest(now(), tat - make_interval(secs => :interval) - make_interval(secs => :tolerance))
                """)
                .param("account", account.value()).param("provider", providerId).param("recipient", recipient)
                .param("interval", interval.toNanos() / 1e9).param("tolerance", tolerance.toNanos() / 1e9)
                .query((rs, n) -> rs.getTimestamp(1).toInstant()).single();
    }

    /** Forgets slots long past; returns how many. */
    int purge() {
        return Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status ->
                jdbc.sql("delete from gateway_pacing where tat < now() - interval '1 hour'").update())));
    }
}
