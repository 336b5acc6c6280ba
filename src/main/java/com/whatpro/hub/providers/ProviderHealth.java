package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Asks providers whether their numbers are connected: every provider on a schedule, and one on demand. A number that
 * says it is connected but has sent no webhook for {@link ProvidersSettings#silenceThreshold()} is reported as an
 * error: its webhook is likely not reaching the hub. The scheduled round also registers again the webhook of a
 * provider whose last registration failed, when its server answered the probe.
 *
 * <p>The round claims due providers in batches, oldest due first but at most {@value #PER_ACCOUNT} of one account per
 * batch (the nodes share the work through {@code FOR UPDATE SKIP LOCKED}), and probes a batch in parallel: a batch
 * lasts as long as its slowest provider, so an account with many numbers on a slow or unreachable server costs the
 * other accounts one provider timeout per batch, not one per number.
 */
@Service
class ProviderHealth {

    private static final Logger log = LoggerFactory.getLogger(ProviderHealth.class);
    private static final int BATCH = 20;
    private static final int PER_ACCOUNT = 2;
    private static final ThreadFactory PROBES = Thread.ofVirtual().name("provider-health-", 0).factory();

    private final Providers providers;
    private final ProviderAdapters adapters;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ProvidersSettings settings;
    private final Clock clock;
    private final WebhookRegistrations registrations;

    ProviderHealth(Providers providers, ProviderAdapters adapters, JdbcClient jdbc,
            PlatformTransactionManager transactions, ProvidersSettings settings, Clock clock,
            WebhookRegistrations registrations) {
        this.providers = providers;
        this.adapters = adapters;
        this.registrations = registrations;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.settings = settings;
        this.clock = clock;
    }

    /** Probes one provider now and records the answer; empty when the account has no such provider. */
    Optional<HealthCheck> check(AccountId account, UUID id) {
        return probeAndRecord(account, id).map(Probe::check);
    }

    private Optional<Probe> probeAndRecord(AccountId account, UUID id) {
        var provider = providers.find(account, id);
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        var probe = probe(account, provider.get());
        providers.recordState(account, id, new ConnectionState(probe.check().status(), probe.check().detail()));
        return Optional.of(probe);
    }

    /** Probes the providers whose turn has come, in parallel, and returns how many once every probe is done. */
    int checkDue() {
        var due = claimDue();
        try (var probes = Executors.newThreadPerTaskExecutor(PROBES)) {
            for (var provider : due) {
                probes.execute(() -> checkScheduled(provider));
            }
        }
        return due.size();
    }

    /**
     * Moves the next check of up to {@value #BATCH} due providers, at most {@value #PER_ACCOUNT} of each account, one
     * interval ahead; rows another node is claiming at the same moment are skipped, not waited for.
     */
    private List<Due> claimDue() {
        var due = Tenancy.callAsPlatform(() -> transactions.execute(status -> jdbc.sql("""
                update providers p set next_check_at = now() + make_interval(secs => :interval)
                from (select id from providers
                      where next_check_at <= now() and id in (
                          select id from (
                              select id, row_number() over (partition by account_id order by next_check_at, id) as turn
                              from providers where next_check_at <= now()) ranked
                          where turn <= :perAccount)
                      order by next_check_at limit :batch for update skip locked) due
                where p.id = due.id
                returning p.id, p.account_id
                """)
                .param("interval", (double) settings.healthCheckInterval().toMillis() / 1000)
                .param("perAccount", PER_ACCOUNT)
                .param("batch", BATCH)
                .query((rs, n) -> new Due(rs.getObject(1, UUID.class), AccountId.of(rs.getLong(2))))
                .list()));
        return due == null ? List.of() : due;
    }

    private void checkScheduled(Due provider) {
        try {
            // a server that did not tell the number's state would not take its webhook either: registering too
            // would make the batch wait out a second timeout
            Tenancy.runAs(provider.account(), () -> probeAndRecord(provider.account(), provider.id())
                    .filter(Probe::answered)
                    .ifPresent(answered -> registrations.retryFailed(provider.account(), provider.id())));
        } catch (RuntimeException e) {
            log.warn("health check of provider {} failed: {}", provider.id(), e.toString());
        }
    }

    private record Due(UUID id, AccountId account) {
    }

    /** A health check, and whether the provider's server told the number's state. */
    private record Probe(HealthCheck check, boolean answered) {
    }

    private Probe probe(AccountId account, Provider provider) {
        var now = clock.instant();
        ConnectionState state;
        var answered = false;
        try {
            var endpoint = providers.endpoint(account, provider.id()).orElseThrow();
            state = adapters.forType(provider.type()).state(endpoint);
            answered = true;
        } catch (ProviderException e) {
            state = ConnectionState.error(e.getMessage());
        } catch (CredentialDecryptionException e) {
            state = ConnectionState.error("the stored credentials cannot be decrypted with the configured keys");
        }
        var silent = silentSince(provider, now);
        if (state.status() == ConnectionState.Status.CONNECTED && silent != null) {
            state = ConnectionState.error("the provider says the number is connected, but no webhook has arrived since "
                    + silent + "; check that the provider sends its webhooks to the hub's webhook URL");
        }
        return new Probe(new HealthCheck(state.status(), now, state.detail()), answered);
    }

    private @Nullable Instant silentSince(Provider provider, Instant now) {
        Duration threshold = settings.silenceThreshold();
        if (threshold.isZero()) {
            return null;
        }
        var last = provider.lastEventAt() != null ? provider.lastEventAt() : provider.createdAt();
        return last.plus(threshold).isBefore(now) ? last : null;
    }
}
