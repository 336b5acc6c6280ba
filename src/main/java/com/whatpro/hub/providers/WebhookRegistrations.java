package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.KeyedTurns;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.platform.web.PublicUrls;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers each provider's secret webhook URL at the provider and records the outcome on the provider. The URL is
 * registered only under {@code WHATPRO_PUBLIC_URL}: one derived from a request is where that caller reached the hub,
 * not necessarily an address the provider can call. The URL and its secret never reach the database in plain text,
 * the audit log or the logs; a provider's words that repeat them are redacted.
 */
@Service
class WebhookRegistrations {

    private static final String WEBHOOK_PATH = "/api/v1/webhooks/providers/";
    private static final int MAX_DETAIL = 500;

    private final Providers providers;
    private final ProviderAdapters adapters;
    private final PlatformSettings settings;
    private final JdbcClient jdbc;
    private final TransactionTemplate writing;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    // per provider, so that of two registrations in a row the one that reads the newer settings finishes last
    private final KeyedTurns<UUID> running = new KeyedTurns<>();

    WebhookRegistrations(Providers providers, ProviderAdapters adapters, PlatformSettings settings, JdbcClient jdbc,
            PlatformTransactionManager transactions, ApplicationEventPublisher events, Clock clock) {
        this.providers = providers;
        this.adapters = adapters;
        this.settings = settings;
        this.jdbc = jdbc;
        this.writing = new TransactionTemplate(transactions);
        this.events = events;
        this.clock = clock;
    }

    /** The path of a provider's webhook URL, secret included. */
    static String webhookPath(UUID provider, String secret) {
        return WEBHOOK_PATH + provider + "/" + secret;
    }

    /**
     * Registers the provider's webhook URL at the provider now, records and audits the outcome. Call it in the
     * account's tenant scope and outside any transaction: it waits for the provider.
     *
     * @return empty when the account has no such provider
     */
    Optional<WebhookRegistration> register(AccountId account, UUID id) {
        return register(account, id, true);
    }

    /**
     * Registers again a provider whose last registration failed, as {@link #register} does, but audits the outcome
     * only when it differs from the last one: a provider that keeps refusing is retried on every health check.
     */
    void retryFailed(AccountId account, UUID id) {
        var last = Objects.requireNonNull(writing.execute(status -> find(account, id)));
        if (last.filter(registration -> registration.status() == WebhookRegistration.Status.FAILED).isPresent()) {
            register(account, id, false);
        }
    }

    private Optional<WebhookRegistration> register(AccountId account, UUID id, boolean auditUnchanged) {
        return running.inTurn(id, () -> {
            try {
                var secret = providers.webhookSecret(account, id);
                var endpoint = providers.endpoint(account, id);
                if (secret.isEmpty() || endpoint.isEmpty()) {
                    return Optional.<WebhookRegistration>empty();
                }
                var outcome = attempt(endpoint.get(), id, secret.get());
                return record(account, id, outcome, auditUnchanged);
            } catch (CredentialDecryptionException e) {
                return record(account, id, new Outcome(WebhookRegistration.Status.FAILED,
                        "the stored credentials cannot be decrypted with the configured keys", List.of()),
                        auditUnchanged);
            }
        });
    }

    /** Notes that a registration is due; in the transaction of the change that makes it due. */
    void markPending(AccountId account, UUID id) {
        jdbc.sql("""
                update providers set webhook_registration_status = :status, webhook_registration_detail = null,
                    webhook_registration_at = :at
                where account_id = :account and id = :id
                """)
                .param("status", WebhookRegistration.Status.PENDING.jsonName())
                .param("at", Timestamp.from(clock.instant()))
                .param("account", account.value()).param("id", id).update();
    }

    @Transactional(readOnly = true)
    Optional<WebhookRegistration> find(AccountId account, UUID id) {
        return jdbc.sql(SELECT + " and id = :id").param("account", account.value()).param("id", id)
                .query(WebhookRegistrations::row).optional().flatMap(Row::registration);
    }

    /** The registrations of the account's providers that have one, by provider. */
    @Transactional(readOnly = true)
    Map<UUID, WebhookRegistration> ofAccount(AccountId account) {
        return jdbc.sql(SELECT).param("account", account.value()).query(WebhookRegistrations::row).list().stream()
                .filter(row -> row.registration().isPresent())
                .collect(Collectors.toMap(Row::id, row -> row.registration().orElseThrow()));
    }

    private record Outcome(WebhookRegistration.Status status, @Nullable String detail, List<String> events) {
    }

    private Outcome attempt(ProviderEndpoint endpoint, UUID id, String secret) {
        var url = PublicUrls.configured(settings, webhookPath(id, secret));
        if (url.isEmpty()) {
            return new Outcome(WebhookRegistration.Status.SKIPPED, "WHATPRO_PUBLIC_URL is not set, so the hub "
                    + "knows no address the provider can reach; set it and register again, or configure this "
                    + "provider's webhook_url at the provider by hand", List.of());
        }
        try {
            return switch (adapters.forType(endpoint.type()).registerWebhook(endpoint, URI.create(url.get()))) {
                case WebhookSetup.Registered registered -> new Outcome(WebhookRegistration.Status.REGISTERED,
                        "events: " + String.join(", ", registered.events()), registered.events());
                case WebhookSetup.Manual manual -> new Outcome(WebhookRegistration.Status.MANUAL,
                        manual.instructions(), List.of());
            };
        } catch (ProviderException e) {
            return new Outcome(WebhookRegistration.Status.FAILED, withoutSecret(e.getMessage(), url.get(), secret),
                    List.of());
        }
    }

    private Optional<WebhookRegistration> record(AccountId account, UUID id, Outcome outcome,
            boolean auditUnchanged) {
        // as precise as the database keeps it, so the answer and later reads agree
        var at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var registration = new WebhookRegistration(outcome.status(), truncate(outcome.detail()), at);
        return Optional.ofNullable(writing.execute(status -> {
            var before = jdbc.sql(SELECT + " and id = :id for update").param("account", account.value())
                    .param("id", id).query(WebhookRegistrations::row).optional().flatMap(Row::registration);
            var unchanged = before.filter(last -> last.status() == registration.status()
                    && Objects.equals(last.detail(), registration.detail())).isPresent();
            var updated = jdbc.sql("""
                    update providers set webhook_registration_status = :status,
                        webhook_registration_detail = :detail, webhook_registration_at = :at
                    where account_id = :account and id = :id
                    """)
                    .param("status", registration.status().jsonName()).param("detail", registration.detail())
                    .param("at", Timestamp.from(registration.at()))
                    .param("account", account.value()).param("id", id).update() > 0;
            if (!updated) {
                return null;
            }
            if (auditUnchanged || !unchanged) {
                events.publishEvent(new WebhookRegistrationRecorded(account, id, registration, outcome.events()));
            }
            return registration;
        }));
    }

    /** A provider's error may quote what it was sent. */
    private static @Nullable String withoutSecret(@Nullable String detail, String url, String secret) {
        return detail == null ? null : detail.replace(url, "(the webhook URL)").replace(secret, "(redacted)");
    }

    private static @Nullable String truncate(@Nullable String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
    }

    private static final String SELECT = """
            select id, webhook_registration_status, webhook_registration_detail, webhook_registration_at
            from providers where account_id = :account""";

    private record Row(UUID id, Optional<WebhookRegistration> registration) {
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        var status = rs.getString("webhook_registration_status");
        var at = rs.getTimestamp("webhook_registration_at");
        return new Row(rs.getObject("id", UUID.class), status == null || at == null ? Optional.empty()
                : Optional.of(new WebhookRegistration(WebhookRegistration.Status.fromJson(status),
                        rs.getString("webhook_registration_detail"), at.toInstant())));
    }
}
