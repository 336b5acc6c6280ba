package com.whatpro.hub.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.SealedColumn;
import com.whatpro.hub.platform.crypto.StandardWebhooks;
import com.whatpro.hub.platform.outbound.OutboundPolicy;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An account's webhook subscriptions. The receiver's URL must pass the outbound policy when it is saved (and every
 * delivery checks it again); the signing secret is generated here, returned once by {@link #create} and stored only
 * encrypted.
 */
@Service
class Subscriptions implements SealedColumn {

    private final JdbcClient jdbc;
    private final CredentialCipher cipher;
    private final OutboundPolicy policy;
    private final WebhooksSettings settings;
    private final ApplicationEventPublisher events;
    private final Deliveries deliveries;
    private final TransactionTemplate writing;

    Subscriptions(JdbcClient jdbc, CredentialCipher cipher, OutboundPolicy policy, WebhooksSettings settings,
            ApplicationEventPublisher events, Deliveries deliveries, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.writing = new TransactionTemplate(transactions);
        this.deliveries = deliveries;
        this.cipher = cipher;
        this.policy = policy;
        this.settings = settings;
        this.events = events;
    }

    record Subscription(UUID id, AccountId account, String url, List<String> events, @Nullable String description,
            boolean enabled, @Nullable String disabledReason, @Nullable Instant failingSince, Instant createdAt,
            Instant updatedAt) {
    }

    /** A subscription just created, with the secret that is never shown again. */
    record Created(Subscription subscription, String secret) {
    }

    record Change(@Nullable String url, @Nullable List<String> events, @Nullable String description,
            @Nullable Boolean enabled) {
    }

    @Transactional(readOnly = true)
    List<Subscription> list(AccountId account) {
        return jdbc.sql("select * from webhook_subscriptions where account_id = :account order by id")
                .param("account", account.value()).query(Subscriptions::subscription).list();
    }

    @Transactional(readOnly = true)
    Optional<Subscription> find(AccountId account, UUID id) {
        return jdbc.sql("select * from webhook_subscriptions where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(Subscriptions::subscription).optional();
    }

    /** Creates a subscription; its URL is checked (its host resolved) before the transaction begins. */
    Created create(AccountId account, String url, List<String> eventTypes, @Nullable String description,
            @Nullable UUID actor) {
        var target = receiver(url);
        return Objects.requireNonNull(writing.execute(status -> create(account, target, eventTypes, description,
                actor)));
    }

    private Created create(AccountId account, URI target, List<String> eventTypes, @Nullable String description,
            @Nullable UUID actor) {
        var types = eventTypes(eventTypes);
        // one creation at a time per account, so that concurrent ones cannot overshoot the cap
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(hashtextextended('webhooks:' || :account, 0))) l")
                .param("account", account.value()).query(Integer.class).single();
        var count = jdbc.sql("select count(*) from webhook_subscriptions where account_id = :account")
                .param("account", account.value()).query(Long.class).single();
        if (count >= settings.maxPerAccount()) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "limit-exceeded", "Limit reached",
                    "An account can have at most " + settings.maxPerAccount() + " webhooks (WHATPRO_WEBHOOKS_MAX_PER_ACCOUNT).",
                    List.of(), Map.of("limit", "max_webhooks", "max", settings.maxPerAccount(), "used", count));
        }
        var id = Ids.newId();
        var secret = StandardWebhooks.newSecret();
        jdbc.sql("""
                insert into webhook_subscriptions (id, account_id, url, events, description, secret)
                values (:id, :account, :url, cast(:events as text[]), :description, :secret)
                """)
                .param("id", id).param("account", account.value()).param("url", target.toString())
                .param("events", types.toArray(String[]::new)).param("description", description)
                .param("secret", cipher.encrypt(secret, associatedData(account, id))).update();
        var changes = new LinkedHashMap<String, Object>();
        changes.put("url_host", Objects.requireNonNull(target.getHost()));
        changes.put("events", types);
        events.publishEvent(new WebhookChanged(account, id, "webhook.created", changes, actor));
        return new Created(find(account, id).orElseThrow(), secret);
    }

    /** Changes what is given; a new URL is checked (its host resolved) before the transaction begins. */
    Optional<Subscription> update(AccountId account, UUID id, Change change, @Nullable UUID actor) {
        var url = change.url() == null ? null : receiver(change.url()).toString();
        return Objects.requireNonNull(writing.execute(status -> update(account, id, change, url, actor)));
    }

    private Optional<Subscription> update(AccountId account, UUID id, Change change, @Nullable String url,
            @Nullable UUID actor) {
        var before = find(account, id);
        if (before.isEmpty()) {
            return before;
        }
        var types = change.events() == null ? null : eventTypes(change.events()).toArray(String[]::new);
        boolean enabling = Boolean.TRUE.equals(change.enabled()) && !before.get().enabled();
        jdbc.sql("""
                update webhook_subscriptions set url = coalesce(cast(:url as text), url), events = coalesce(cast(:events as text[]), events),
                    description = coalesce(cast(:description as text), description),
                    enabled = coalesce(cast(:enabled as boolean), enabled),
                    disabled_reason = case when cast(:enabling as boolean) then null else disabled_reason end,
                    failing_since = case when cast(:enabling as boolean) then null else failing_since end,
                    updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("url", url).param("events", types).param("description", change.description())
                .param("enabled", change.enabled()).param("enabling", enabling)
                .param("account", account.value()).param("id", id).update();
        var after = find(account, id).orElseThrow();
        var changes = new LinkedHashMap<String, Object>();
        if (!after.url().equals(before.get().url())) {
            changes.put("url_host", List.of(host(before.get().url()), host(after.url())));
        }
        if (!after.events().equals(before.get().events())) {
            changes.put("events", List.of(before.get().events(), after.events()));
        }
        if (!Objects.equals(after.description(), before.get().description())) {
            changes.put("description", Arrays.asList(before.get().description(), after.description()));
        }
        if (after.enabled() != before.get().enabled()) {
            changes.put("enabled", List.of(before.get().enabled(), after.enabled()));
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new WebhookChanged(account, id, "webhook.updated", changes, actor));
        }
        return Optional.of(after);
    }

    @Transactional
    boolean delete(AccountId account, UUID id, @Nullable UUID actor) {
        var deleted = jdbc.sql("delete from webhook_subscriptions where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update() > 0;
        if (deleted) {
            events.publishEvent(new WebhookChanged(account, id, "webhook.deleted", Map.of(), actor));
        }
        return deleted;
    }

    /**
     * Disables a subscription the hub gave up on, with an audit entry; nothing happens when it is already disabled.
     * Runs in the caller's transaction, in the account's scope.
     */
    @Transactional
    void disable(AccountId account, UUID id, String reason) {
        var disabled = jdbc.sql("""
                update webhook_subscriptions set enabled = false, disabled_reason = :reason, updated_at = now()
                where account_id = :account and id = :id and enabled
                """)
                .param("reason", reason).param("account", account.value()).param("id", id).update() > 0;
        if (disabled) {
            events.publishEvent(new WebhookChanged(account, id, "webhook.disabled",
                    Map.of("enabled", List.of(true, false), "reason", reason), null));
        }
    }

    /** An attempt succeeded: the subscription is no longer failing. In the caller's transaction. */
    @Transactional
    void succeeded(AccountId account, UUID id) {
        jdbc.sql("""
                update webhook_subscriptions set failing_since = null
                where account_id = :account and id = :id and failing_since is not null
                """).param("account", account.value()).param("id", id).update();
    }

    /**
     * An attempt failed: whether every attempt has now failed for at least {@code disableAfter} (since the first
     * failure after the last success). In the caller's transaction.
     */
    @Transactional
    boolean failedFor(AccountId account, UUID id, java.time.Duration disableAfter) {
        return jdbc.sql("""
                update webhook_subscriptions set failing_since = coalesce(failing_since, now())
                where account_id = :account and id = :id
                returning failing_since <= now() - make_interval(secs => :after)
                """)
                .param("account", account.value()).param("id", id).param("after", disableAfter.toMillis() / 1000.0)
                .query(Boolean.class).optional().orElse(false);
    }

    /** Queues a finished delivery again, with an audit entry; false when it is still pending. */
    @Transactional
    boolean redeliver(AccountId account, UUID id, UUID delivery, @Nullable UUID actor) {
        if (!deliveries.redeliver(account, id, delivery)) {
            return false;
        }
        events.publishEvent(new WebhookChanged(account, id, "webhook.redelivered",
                Map.of("delivery_id", delivery.toString()), actor));
        return true;
    }

    /** The secret deliveries are signed with. */
    @Transactional(readOnly = true)
    String secret(AccountId account, UUID id) {
        var sealed = jdbc.sql("select secret from webhook_subscriptions where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(String.class).single();
        return cipher.decrypt(sealed, associatedData(account, id));
    }

    /** The enabled subscriptions of the account that want {@code type}. */
    @Transactional(readOnly = true)
    List<UUID> subscribers(AccountId account, EventType type) {
        return jdbc.sql("""
                select id from webhook_subscriptions
                where account_id = :account and enabled and :type = any (events) order by id
                """)
                .param("account", account.value()).param("type", type.key()).query(UUID.class).list();
    }

    /** {@code url} as a receiver: absolute http(s), and allowed by the outbound policy (422 naming {@code url}). */
    URI receiver(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ApiProblem.invalid("url", "must be an absolute http or https URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getFragment() != null) {
            throw ApiProblem.invalid("url", "must be an absolute http or https URL without a fragment");
        }
        return policy.require("url", uri);
    }

    private static List<String> eventTypes(List<String> requested) {
        var unknown = requested.stream().filter(type -> EventType.of(type).isEmpty()).toList();
        if (requested.isEmpty() || !unknown.isEmpty()) {
            throw ApiProblem.invalid("events", (requested.isEmpty() ? "must name at least one event" : "unknown "
                    + unknown) + "; allowed: " + EventType.NAMES);
        }
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    @Override
    public String table() {
        return "webhook_subscriptions";
    }

    @Override
    public String column() {
        return "secret";
    }

    @Override
    public String associatedData(AccountId account, UUID id) {
        return "account:" + account.value() + "/webhook:" + id;
    }

    private static String host(String url) {
        return Objects.requireNonNullElse(URI.create(url).getHost(), "");
    }

    private static Subscription subscription(ResultSet rs, int row) throws SQLException {
        var failing = rs.getTimestamp("failing_since");
        return new Subscription(rs.getObject("id", UUID.class), AccountId.of(rs.getLong("account_id")),
                rs.getString("url"), List.of((String[]) rs.getArray("events").getArray()),
                rs.getString("description"), rs.getBoolean("enabled"), rs.getString("disabled_reason"),
                failing == null ? null : failing.toInstant(), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp.toInstant();
    }
}
