package com.whatpro.hub.providers;

import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.web.PublicUrls;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.platform.crypto.Secrets;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WhatsApp providers of each account: their settings, encrypted credentials, webhook secrets and last known
 * state. Credentials are encrypted with AES-256-GCM bound to {@code account:{id}/provider:{uuid}}, so a ciphertext
 * moved to another row does not decrypt; they never leave this class except inside a {@link ProviderEndpoint}.
 */
@Service
public class Providers {

    private static final Logger log = LoggerFactory.getLogger(Providers.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final Duration GATE_WAIT = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final CredentialCipher cipher;
    private final JsonMapper json;
    private final Entitlements entitlements;
    private final Accounts accounts;
    private final ProviderAdapters adapters;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate writing;
    private final Clock clock;
    private final ExpiringCache<UUID, StoredTarget> targets;
    private final ExpiringCache<Owned, Provider> recent;
    private final ConcurrentHashMap<UUID, Instant> lastEvents = new ConcurrentHashMap<>();
    private final OutboundPolicy outbound;
    private final PlatformSettings platform;
    private final ConnectionStream stream;
    private final Duration provisionHold;
    private final ReentrantLock[] countingGates = new ReentrantLock[64];

    Providers(JdbcClient jdbc, CredentialCipher cipher, JsonMapper json, Entitlements entitlements, Accounts accounts,
            ProviderAdapters adapters, ApplicationEventPublisher events, PlatformTransactionManager transactions,
            ProvidersSettings settings, Clock clock, OutboundPolicy outbound, PlatformSettings platform,
            ConnectionStream stream) {
        this.jdbc = jdbc;
        this.platform = platform;
        this.stream = stream;
        this.outbound = outbound;
        this.cipher = cipher;
        this.json = json;
        this.entitlements = entitlements;
        this.accounts = accounts;
        this.adapters = adapters;
        this.events = events;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.writing = new TransactionTemplate(transactions);
        this.clock = clock;
        this.targets = settings.webhookCache(clock);
        this.recent = new ExpiringCache<>(settings.webhookCacheTtl(), 10_000, clock);
        this.provisionHold = settings.provisionHold();
        java.util.Arrays.setAll(countingGates, i -> new ReentrantLock(true));
    }

    /**
     * A provider to create.
     *
     * @param baseUrl the provider's API root; required for Evolution and uazapi, Meta's Graph API when absent for
     *        Cloud API
     */
    public record NewProvider(String name, ProviderType type, @Nullable URI baseUrl, @Nullable String instanceName,
            @Nullable Long chatwootInboxId, ProviderCredentials credentials) {
    }

    /** Changes to a provider; absent fields stay as they are. */
    public record ProviderUpdate(@Nullable String name, @Nullable URI baseUrl, @Nullable String instanceName,
            @Nullable Long chatwootInboxId, @Nullable ProviderCredentials credentials) {
    }

    /** A new provider and the secret of its webhook URL. */
    public record Created(Provider provider, String webhookSecret) {
    }

    @Transactional(readOnly = true)
    public List<Provider> list(AccountId account) {
        return jdbc.sql(SELECT + " where account_id = :account order by lower(name), id")
                .param("account", account.value()).query(Providers::provider).list();
    }

    @Transactional(readOnly = true)
    public Optional<Provider> find(AccountId account, UUID id) {
        return jdbc.sql(SELECT + " where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(Providers::provider).optional();
    }

    /**
     * The provider as read at most {@link ProvidersSettings#webhookCacheTtl()} ago, for background work on every
     * message; API reads use {@link #find}.
     */
    public Optional<Provider> findRecent(AccountId account, UUID id) {
        return recent.get(new Owned(account, id),
                key -> Objects.requireNonNull(readOnly.execute(status -> find(key.account(), key.id()))));
    }

    @Transactional(readOnly = true)
    public long count(AccountId account) {
        return jdbc.sql("select count(*) from providers where account_id = :account")
                .param("account", account.value()).query(Long.class).single();
    }

    /**
     * Creates the provider, counting against {@code max_providers}. Its base URL is checked (its host resolved)
     * before the transaction begins, so a slow name server holds no database connection.
     */
    public Created create(AccountId account, NewProvider request, @Nullable UUID actor) {
        var baseUrl = baseUrl(request.type(), request.baseUrl());
        var instanceName = instanceName(request.type(), request.instanceName());
        requireSameType(request.type(), request.credentials());
        var id = Ids.newId();
        var name = request.name().strip();
        return counted(account, () -> {
            entitlements.ensureRoom(account, Limit.PROVIDERS, () -> occupied(account, id));
            if (provisioning(account, name)) {
                throw nameBeingProvisioned();
            }
            var secret = Secrets.newUrlSecret();
            try {
                jdbc.sql("""
                        insert into providers (id, account_id, name, type, base_url, instance_name, chatwoot_inbox_id,
                            credentials, webhook_secret_hash, webhook_secret)
                        values (:id, :account, :name, :type, :base, :instance, :inbox, :credentials, :hash, :secret)
                        """)
                        .param("id", id).param("account", account.value()).param("name", name)
                        .param("type", request.type().jsonName()).param("base", baseUrl.toString())
                        .param("instance", instanceName).param("inbox", request.chatwootInboxId())
                        .param("credentials", encryptCredentials(account, id, request.credentials()))
                        .param("hash", Secrets.sha256(secret))
                        .param("secret", cipher.encrypt(secret, secretData(account, id)))
                        .update();
            } catch (DuplicateKeyException e) {
                throw nameTaken();
            }
            var provider = find(account, id).orElseThrow();
            events.publishEvent(new ProviderChanged(account, id, "provider.created",
                    Map.of("name", provider.name(), "type", provider.type().jsonName()), actor));
            return new Created(provider, secret);
        });
    }

    /**
     * A provider whose instance the hub creates at the provider.
     *
     * @param instanceName the instance's name at the provider; an existing instance of that name is adopted
     * @param adminKey Evolution's global API key or uazapi's admin token: used for the create only, never stored
     */
    public record NewProvision(String name, ProviderType type, @Nullable URI baseUrl, @Nullable String instanceName,
            @Nullable Long chatwootInboxId, String adminKey, @Nullable String webhookToken) {

        @Override
        public String toString() {
            return "NewProvision[" + name + ", " + type + ", " + instanceName + "]";
        }
    }

    /**
     * Creates the instance at the provider with the hub's webhook already set (or adopts the one of that name), then
     * the provider, counting against {@code max_providers} before anything is created at the provider. No transaction
     * is open and no lock held while the provider is called: a short transaction first reserves the number's place
     * and name ({@code provider_provisions}, under the account's lock, so provisions racing for the last slot count
     * one after another), a second one stores the number in place of the reservation; a failure deletes the
     * reservation, so a failed provision leaves nothing behind and frees its place. A reservation a crash left
     * behind stops counting after {@link ProvidersSettings#provisionHold()}.
     *
     * @throws IllegalStateException when called inside a transaction, which would be held while the provider answers
     */
    public Created provision(AccountId account, NewProvision request, @Nullable UUID actor) {
        if (request.type() == ProviderType.CLOUD_API) {
            throw ApiProblem.invalid("provision", "is for evolution and uazapi; Cloud API numbers are set up in Meta");
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("provision waits for the provider: call it outside any transaction");
        }
        var baseUrl = baseUrl(request.type(), request.baseUrl());
        var name = request.name().strip();
        var instanceName = request.instanceName() == null || request.instanceName().isBlank()
                ? name : request.instanceName().strip();
        var id = Ids.newId();
        counted(account, () -> {
            reserve(account, id, name);
            return id;
        });
        var stored = false;
        try {
            var secret = Secrets.newUrlSecret();
            var webhookUrl = PublicUrls.configured(platform, WebhookRegistrations.webhookPath(id, secret))
                    .map(URI::create).orElse(null);
            ProviderCredentials credentials;
            try {
                credentials = adapters.forType(request.type()).provision(new ProviderAdapter.Provisioning(baseUrl,
                        instanceName, request.adminKey(), request.webhookToken(), webhookUrl));
            } catch (ProviderException e) {
                throw ProviderProblems.of(e, webhookUrl == null ? null : webhookUrl.toString(), secret,
                        request.adminKey(), request.webhookToken());
            }
            var created = counted(account, () -> storeProvisioned(account, id, name, request, baseUrl, instanceName,
                    credentials, secret, actor));
            stored = true;
            // a webhook the provider sent before the number was stored may have left its id cached as unknown
            evictCached(account, id);
            return created;
        } finally {
            if (!stored) {
                release(account, id);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction that counts the account's providers under its lock. Outside a transaction,
     * this node runs one such transaction per account at a time: a burst of creates and provisions for one account
     * waits here, holding nothing, instead of each holding a pooled connection while queued for the account's row.
     * The gate only spares connections: after {@link #GATE_WAIT} the transaction goes ahead without it.
     */
    private <T> T counted(AccountId account, Supplier<T> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // the caller's transaction may hold the account's row already: waiting here could never end
            return work.get();
        }
        var gate = countingGates[Math.floorMod(Long.hashCode(account.value()), countingGates.length)];
        var gated = false;
        try {
            gated = gate.tryLock(GATE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return Objects.requireNonNull(writing.execute(status -> work.get()));
        } finally {
            if (gated) {
                gate.unlock();
            }
        }
    }

    /** Takes a place against {@code max_providers} and the name for a provision about to call the provider. */
    private void reserve(AccountId account, UUID id, String name) {
        entitlements.ensureRoom(account, Limit.PROVIDERS, () -> occupied(account, id));
        // under the account's lock: what a crashed node left behind no longer counts, and now frees its name too
        jdbc.sql("delete from provider_provisions where account_id = :account and expires_at <= now()")
                .param("account", account.value()).update();
        if (jdbc.sql("select count(*) from providers where account_id = :account and lower(name) = lower(:name)")
                .param("account", account.value()).param("name", name).query(Long.class).single() > 0) {
            throw nameTaken();
        }
        try {
            jdbc.sql("""
                    insert into provider_provisions (id, account_id, name, expires_at)
                    values (:id, :account, :name, now() + cast(:hold as interval))
                    """)
                    .param("id", id).param("account", account.value()).param("name", name)
                    .param("hold", provisionHold.toMillis() + " milliseconds").update();
        } catch (DuplicateKeyException e) {
            throw nameBeingProvisioned();
        }
    }

    /**
     * Stores a provisioned number in place of its reservation. The account's place is counted again, under its lock:
     * a reservation that outlived {@link ProvidersSettings#provisionHold()} may have been given to another number.
     */
    private Created storeProvisioned(AccountId account, UUID id, String name, NewProvision request, URI baseUrl,
            String instanceName, ProviderCredentials credentials, String secret, @Nullable UUID actor) {
        entitlements.ensureRoom(account, Limit.PROVIDERS, () -> occupied(account, id));
        jdbc.sql("delete from provider_provisions where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update();
        try {
            jdbc.sql("""
                    insert into providers (id, account_id, name, type, base_url, instance_name, chatwoot_inbox_id,
                        credentials, webhook_secret_hash, webhook_secret, provisioned, status, connection_updated_at)
                    values (:id, :account, :name, :type, :base, :instance, :inbox, :credentials, :hash, :secret, true,
                        'disconnected', now())
                    """)
                    .param("id", id).param("account", account.value()).param("name", name)
                    .param("type", request.type().jsonName()).param("base", baseUrl.toString())
                    .param("instance", instanceName).param("inbox", request.chatwootInboxId())
                    .param("credentials", encryptCredentials(account, id, credentials))
                    .param("hash", Secrets.sha256(secret)).param("secret", cipher.encrypt(secret, secretData(account, id)))
                    .update();
        } catch (DuplicateKeyException e) {
            throw nameTaken();
        }
        var provider = find(account, id).orElseThrow();
        events.publishEvent(new ProviderChanged(account, id, "provider.created",
                Map.of("name", provider.name(), "type", provider.type().jsonName(), "provisioned", true,
                        "instance_name", instanceName), actor));
        return new Created(provider, secret);
    }

    /** Gives back the place of a provision that failed; when that fails too, the reservation expires by itself. */
    private void release(AccountId account, UUID id) {
        try {
            writing.executeWithoutResult(status -> jdbc.sql(
                            "delete from provider_provisions where account_id = :account and id = :id")
                    .param("account", account.value()).param("id", id).update());
        } catch (RuntimeException e) {
            log.warn("The reservation of failed provision {} of account {} was not deleted ({}); it stops counting "
                    + "against max_providers after {}", id, account, e.toString(), provisionHold);
        }
    }

    /** Deletes the reservations of provisions that outlived {@link ProvidersSettings#provisionHold()} (a crash). */
    int dropExpiredProvisions() {
        return Objects.requireNonNull(Tenancy.callAsPlatform(() -> writing.execute(status -> jdbc.sql(
                "delete from provider_provisions where expires_at <= now()").update())));
    }

    /**
     * What counts against {@code max_providers}: the account's providers and its provisions under way, but
     * {@code except}'s own. One statement, so a provision stored meanwhile (reservation out, provider in, in one
     * commit) is counted once.
     */
    private long occupied(AccountId account, UUID except) {
        return jdbc.sql("""
                select (select count(*) from providers where account_id = :account)
                    + (select count(*) from provider_provisions
                       where account_id = :account and expires_at > now() and id <> :except)
                """)
                .param("account", account.value()).param("except", except).query(Long.class).single();
    }

    /** Whether a provision under way holds this name. */
    private boolean provisioning(AccountId account, String name) {
        return jdbc.sql("""
                select count(*) from provider_provisions
                where account_id = :account and lower(name) = lower(:name) and expires_at > now()
                """)
                .param("account", account.value()).param("name", name).query(Long.class).single() > 0;
    }

    private static ApiProblem nameTaken() {
        return ApiProblem.conflict("provider-exists", "A provider with this name already exists.");
    }

    private ApiProblem nameBeingProvisioned() {
        return ApiProblem.conflict("provider-exists", "A number of this name is being provisioned. If that request "
                + "failed, the name is free again within " + provisionHold.toMinutes() + " minutes at the latest.");
    }

    private void evictCached(AccountId account, UUID id) {
        targets.evict(id);
        recent.evict(new Owned(account, id));
    }

    /** Changes the provider; a new base URL is checked (its host resolved) before the transaction begins. */
    public Optional<Provider> update(AccountId account, UUID id, ProviderUpdate update, @Nullable UUID actor) {
        var baseUrl = update.baseUrl() == null ? null : checkedBaseUrl(update.baseUrl());
        return Objects.requireNonNull(writing.execute(status -> update(account, id, update, baseUrl, actor)));
    }

    private Optional<Provider> update(AccountId account, UUID id, ProviderUpdate update, @Nullable URI baseUrl,
            @Nullable UUID actor) {
        var found = find(account, id);
        if (found.isEmpty()) {
            return found;
        }
        var before = found.get();
        var instanceName = update.instanceName() == null ? null : instanceName(before.type(), update.instanceName());
        if (update.credentials() != null) {
            requireSameType(before.type(), update.credentials());
        }
        try {
            jdbc.sql("""
                    update providers set name = coalesce(:name, name), base_url = coalesce(:base, base_url),
                        instance_name = coalesce(:instance, instance_name),
                        chatwoot_inbox_id = coalesce(:inbox, chatwoot_inbox_id),
                        credentials = coalesce(:credentials, credentials), next_check_at = now(), updated_at = now()
                    where account_id = :account and id = :id
                    """)
                    .param("name", update.name() == null ? null : update.name().strip())
                    .param("base", baseUrl == null ? null : baseUrl.toString()).param("instance", instanceName)
                    .param("inbox", update.chatwootInboxId())
                    .param("credentials", update.credentials() == null ? null
                            : encryptCredentials(account, id, update.credentials()))
                    .param("account", account.value()).param("id", id).update();
        } catch (DuplicateKeyException e) {
            throw nameTaken();
        }
        evictCached(account, id);
        var after = find(account, id).orElseThrow();
        var changes = new LinkedHashMap<String, Object>();
        changed(changes, "name", before.name(), after.name());
        changed(changes, "base_url", before.baseUrl().toString(), after.baseUrl().toString());
        changed(changes, "instance_name", before.instanceName(), after.instanceName());
        changed(changes, "chatwoot_inbox_id", before.chatwootInboxId(), after.chatwootInboxId());
        if (update.credentials() != null) {
            changes.put("credentials", "(redacted)");
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new ProviderChanged(account, id, "provider.updated", changes, actor));
        }
        return Optional.of(after);
    }

    /** Replaces the secret of the provider's webhook URL; the old URL stops working at once on this node. */
    @Transactional
    public Optional<String> rotateWebhookSecret(AccountId account, UUID id, @Nullable UUID actor) {
        var secret = Secrets.newUrlSecret();
        var updated = jdbc.sql("""
                update providers set webhook_secret_hash = :hash, webhook_secret = :secret, updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("hash", Secrets.sha256(secret)).param("secret", cipher.encrypt(secret, secretData(account, id)))
                .param("account", account.value()).param("id", id).update() > 0;
        targets.evict(id);
        recent.evictIf(key -> key.id().equals(id));
        if (!updated) {
            return Optional.empty();
        }
        events.publishEvent(new ProviderChanged(account, id, "provider.webhook_secret_rotated", Map.of(), actor));
        return Optional.of(secret);
    }

    @Transactional
    public boolean delete(AccountId account, UUID id, @Nullable UUID actor) {
        return delete(account, id, actor, Map.of());
    }

    boolean delete(AccountId account, UUID id, @Nullable UUID actor, Map<String, Object> changes) {
        var deleted = jdbc.sql("delete from providers where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).update() > 0;
        targets.evict(id);
        recent.evictIf(key -> key.id().equals(id));
        if (deleted) {
            events.publishEvent(new ProviderChanged(account, id, "provider.deleted", changes, actor));
        }
        return deleted;
    }

    /** The secret of the provider's webhook URL, for showing the URL to the account's admins. */
    @Transactional(readOnly = true)
    public Optional<String> webhookSecret(AccountId account, UUID id) {
        return jdbc.sql("select webhook_secret from providers where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(String.class).optional()
                .map(sealed -> cipher.decrypt(sealed, secretData(account, id)));
    }

    /** Where and as whom to reach the provider, credentials decrypted. */
    @Transactional(readOnly = true)
    public Optional<ProviderEndpoint> endpoint(AccountId account, UUID id) {
        return jdbc.sql("select type, base_url, instance_name, credentials from providers where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id)
                .query((rs, n) -> endpoint(account, id, rs)).optional();
    }

    /**
     * Downloads the file of an inbound message's media through the provider that received it; no database
     * connection is held meanwhile. See {@link ProviderAdapter#downloadMedia} for the limits and failures.
     *
     * @return the file; empty when the provider no longer exists
     */
    public Optional<DownloadedMedia> downloadMedia(AccountId account, UUID id, InboundMessage.Media media,
            long maxBytes, Duration timeout) {
        var endpoint = readOnly.execute(status -> endpoint(account, id));
        return Objects.requireNonNull(endpoint).map(found -> adapters.forType(found.type())
                .downloadMedia(found, media, maxBytes, timeout));
    }

    /**
     * The provider a webhook URL names, if its secret is right and its account active. The account is not known
     * before the look-up, so it runs in the platform scope; the secret is compared through its SHA-256 in constant
     * time, before anything is decrypted. Unknown provider and wrong secret look the same to the caller. What is read
     * is cached for {@link ProvidersSettings#webhookCacheTtl()}, unknown ids too (apart from the known ones, so a
     * flood of made-up ids costs one query per id and never pushes a real provider out of the cache).
     */
    public Optional<WebhookTarget> webhookTarget(UUID providerId, String secret) {
        var stored = targets.get(providerId, id -> Tenancy.callAsPlatform(() -> readOnly.execute(status -> jdbc.sql("""
                select account_id, type, base_url, instance_name, credentials, webhook_secret_hash
                from providers where id = :id
                """)
                .param("id", id)
                .query((rs, n) -> new StoredTarget(id, AccountId.of(rs.getLong("account_id")),
                        rs.getBytes("webhook_secret_hash"), ProviderType.fromJson(rs.getString("type")),
                        URI.create(rs.getString("base_url")), rs.getString("instance_name"),
                        rs.getString("credentials")))
                .optional()
                .filter(target -> accounts.isActive(target.account())))));
        if (stored.isEmpty() || !Secrets.matches(secret, stored.get().secretHash())) {
            return Optional.empty();
        }
        var target = stored.get();
        var endpoint = target.endpoint(this);
        return Optional.of(new WebhookTarget(target.account(), providerId, endpoint,
                adapters.forType(endpoint.type())));
    }

    /** Notes that a webhook of the provider arrived; written to the database within seconds, in the background. */
    public void eventReceived(UUID providerId) {
        lastEvents.put(providerId, clock.instant());
    }

    /**
     * A number's connection as clients see it. Codes are shown only while connecting and until they expire.
     *
     * @param qrCode a {@code data:image/png;base64,…} URL
     * @param detail the provider's words, or why the hub flags the number
     */
    public record NumberConnection(String status, @Nullable String qrCode, @Nullable String pairingCode,
            @Nullable Instant expiresAt, @Nullable String phoneNumber, @Nullable String profileName,
            @Nullable String detail, @Nullable Instant updatedAt) {

        @Override
        public String toString() {
            return "NumberConnection[" + status + ", " + phoneNumber + ", " + updatedAt + "]";
        }

        /** The connection as a caller who may not connect the number sees it: no code to link a phone with. */
        public NumberConnection withoutCodes() {
            return new NumberConnection(status, null, null, expiresAt, phoneNumber, profileName, detail, updatedAt);
        }
    }

    @Transactional(readOnly = true)
    public Optional<NumberConnection> connection(AccountId account, UUID id) {
        return jdbc.sql("""
                select status, status_detail, qr_code, pairing_code, code_expires_at, phone_number, profile_name,
                    connection_updated_at
                from providers where account_id = :account and id = :id
                """)
                .param("account", account.value()).param("id", id)
                .query((rs, n) -> {
                    var expires = instant(rs.getTimestamp("code_expires_at"));
                    var fresh = "connecting".equals(rs.getString("status")) && expires != null
                            && expires.isAfter(clock.instant());
                    return new NumberConnection(rs.getString("status"), fresh ? rs.getString("qr_code") : null,
                            fresh ? rs.getString("pairing_code") : null, fresh ? expires : null,
                            rs.getString("phone_number"), rs.getString("profile_name"), rs.getString("status_detail"),
                            instant(rs.getTimestamp("connection_updated_at")));
                }).optional();
    }

    /** Records what the provider said about its connection (a connection webhook or a health check). */
    @Transactional
    public void recordState(AccountId account, UUID id, ConnectionState state) {
        var before = jdbc.sql("""
                select type, status, status_detail, qr_code, pairing_code, phone_number, profile_name
                from providers where account_id = :account and id = :id for update
                """)
                .param("account", account.value()).param("id", id)
                .query((rs, n) -> new Recorded(ProviderType.fromJson(rs.getString("type")), rs.getString("status"),
                        rs.getString("status_detail"), rs.getString("qr_code"), rs.getString("pairing_code"),
                        rs.getString("phone_number"), rs.getString("profile_name")))
                .optional();
        if (before.isEmpty()) {
            return;
        }
        var was = before.get();
        var status = state.status().jsonName();
        var detail = truncate(state.detail());
        if ("refused".equals(was.status()) && state.status() == ConnectionState.Status.DISCONNECTED) {
            // after giving up, Evolution closes the instance: the number stays refused until connected again
            status = was.status();
            detail = was.detail();
        }
        var connecting = state.status() == ConnectionState.Status.CONNECTING;
        String qr;
        String pairing;
        Instant expires = null;
        if (connecting && state.hasCode()) {
            qr = state.qrCode() == null ? null : QrCodes.dataUrl(state.qrCode());
            pairing = state.pairingCode();
            if (!Objects.equals(qr, was.qrCode()) || !Objects.equals(pairing, was.pairingCode())
                    || !"connecting".equals(was.status())) {
                // a code polled again keeps the expiry it had
                expires = clock.instant().plus(adapters.forType(was.type()).codeLifetime(qr == null));
            }
        } else {
            qr = connecting ? was.qrCode() : null;
            pairing = connecting ? was.pairingCode() : null;
        }
        var phone = state.phoneNumber() != null ? state.phoneNumber() : was.phoneNumber();
        var profile = state.profileName() != null ? state.profileName() : was.profileName();
        var changed = !status.equals(was.status()) || !Objects.equals(qr, was.qrCode())
                || !Objects.equals(pairing, was.pairingCode()) || !Objects.equals(phone, was.phoneNumber())
                || !Objects.equals(profile, was.profileName()) || !Objects.equals(detail, was.detail());
        jdbc.sql("""
                update providers set status = :status, status_detail = :detail, checked_at = now(),
                    qr_code = :qr, pairing_code = :pairing,
                    code_expires_at = case when :connecting then coalesce(:expires, code_expires_at) end,
                    phone_number = :phone, profile_name = :profile,
                    connection_updated_at = case when :changed then now() else connection_updated_at end,
                    next_check_at = case when :connecting then least(next_check_at, now() + interval '10 seconds')
                        else next_check_at end
                where account_id = :account and id = :id
                """)
                .param("status", status).param("detail", detail).param("qr", qr).param("pairing", pairing)
                .param("connecting", connecting)
                .param("expires", expires == null ? null : Timestamp.from(expires))
                .param("phone", phone).param("profile", profile).param("changed", changed)
                .param("account", account.value()).param("id", id).update();
        if (!status.equals(was.status())) {
            events.publishEvent(new ProviderChanged(account, id, "provider.connection_changed",
                    Map.of("status", java.util.Arrays.asList(was.status(), status)), null));
            var previous = java.util.Arrays.stream(ConnectionState.Status.values())
                    .filter(known -> known.jsonName().equals(was.status())).findFirst().orElse(null);
            events.publishEvent(new ProviderConnectionChanged(account, id, state.status(), previous, detail));
        }
        if (changed) {
            connection(account, id).ifPresent(now -> stream.publish(account, id, json.writeValueAsString(now)));
        }
    }

    private record Recorded(ProviderType type, String status, @Nullable String detail, @Nullable String qrCode,
            @Nullable String pairingCode, @Nullable String phoneNumber, @Nullable String profileName) {
    }

    /** Writes the webhook arrival times noted since the last call; run every few seconds by {@link ProviderMaintenance}. */
    void flushLastEvents() {
        if (lastEvents.isEmpty()) {
            return;
        }
        var drained = new LinkedHashMap<UUID, Instant>();
        for (var id : List.copyOf(lastEvents.keySet())) {
            var at = lastEvents.remove(id);
            if (at != null) {
                drained.put(id, at);
            }
        }
        try {
            Tenancy.callAsPlatform(() -> writing.execute(status -> {
                drained.forEach((id, at) -> jdbc.sql("""
                        update providers set last_event_at = greatest(coalesce(last_event_at, :at), :at) where id = :id
                        """).param("at", Timestamp.from(at)).param("id", id).update());
                return null;
            }));
        } catch (RuntimeException e) {
            // kept for the next flush, or a database that was away would make numbers look silent
            drained.forEach((id, at) -> lastEvents.merge(id, at, BinaryOperator.maxBy(Comparator.naturalOrder())));
            throw e;
        }
    }

    /**
     * Moves stored credentials and webhook secrets that are under an older key to the active key of
     * {@code cipher}; run at start-up and hourly by {@link ProviderMaintenance}.
     *
     * @return how many providers were re-encrypted
     */
    int reencrypt(CredentialCipher cipher) {
        var rows = Objects.requireNonNull(Tenancy.callAsPlatform(() -> readOnly.execute(status -> jdbc.sql(
                        "select id, account_id, credentials, webhook_secret from providers "
                        + "where not starts_with(credentials, :active) or not starts_with(webhook_secret, :active)")
                .param("active", cipher.activePrefix())
                .query((rs, n) -> new Sealed(rs.getObject("id", UUID.class), AccountId.of(rs.getLong("account_id")),
                        rs.getString("credentials"), rs.getString("webhook_secret")))
                .list())));
        int moved = 0;
        for (var row : rows) {
            try {
                var credentials = cipher.reencrypt(row.credentials(), credentialData(row.account(), row.id()));
                var secret = cipher.reencrypt(row.secret(), secretData(row.account(), row.id()));
                Tenancy.runAs(row.account(), () -> writing.executeWithoutResult(status -> jdbc.sql("""
                        update providers set credentials = :credentials, webhook_secret = :secret
                        where id = :id and credentials = :oldCredentials and webhook_secret = :oldSecret
                        """)
                        .param("credentials", credentials).param("secret", secret)
                        .param("id", row.id()).param("oldCredentials", row.credentials()).param("oldSecret", row.secret())
                        .update()));
                targets.evict(row.id());
                recent.evictIf(key -> key.id().equals(row.id()));
                moved++;
            } catch (CredentialDecryptionException e) {
                // one unreadable row must not keep every other provider under the old key
                log.warn("The credentials of provider {} cannot be read ({}); they are left as they are", row.id(),
                        e.getMessage());
            }
        }
        return moved;
    }

    private record Sealed(UUID id, AccountId account, String credentials, String secret) {
    }

    private record Owned(AccountId account, UUID id) {
    }

    /** A provider as webhook intake reads it: credentials still sealed until a request proves it knows the secret. */
    private static final class StoredTarget {

        private final UUID id;
        private final AccountId account;
        private final byte[] secretHash;
        private final ProviderType type;
        private final URI baseUrl;
        private final @Nullable String instanceName;
        private final String sealedCredentials;
        private volatile @Nullable ProviderEndpoint endpoint;

        StoredTarget(UUID id, AccountId account, byte[] secretHash, ProviderType type, URI baseUrl,
                @Nullable String instanceName, String sealedCredentials) {
            this.id = id;
            this.account = account;
            this.secretHash = secretHash;
            this.type = type;
            this.baseUrl = baseUrl;
            this.instanceName = instanceName;
            this.sealedCredentials = sealedCredentials;
        }

        AccountId account() {
            return account;
        }

        byte[] secretHash() {
            return secretHash;
        }

        /** Decrypted on first use and kept as long as this entry. */
        ProviderEndpoint endpoint(Providers providers) {
            var known = endpoint;
            if (known == null) {
                known = providers.endpoint(account, id, type, baseUrl, instanceName, sealedCredentials);
                endpoint = known;
            }
            return known;
        }
    }

    private ProviderEndpoint endpoint(AccountId account, UUID id, ResultSet rs) throws SQLException {
        return endpoint(account, id, ProviderType.fromJson(rs.getString("type")), URI.create(rs.getString("base_url")),
                rs.getString("instance_name"), rs.getString("credentials"));
    }

    private ProviderEndpoint endpoint(AccountId account, UUID id, ProviderType type, URI baseUrl,
            @Nullable String instanceName, String sealedCredentials) {
        var fields = json.readValue(cipher.decrypt(sealedCredentials, credentialData(account, id)), MAP);
        return new ProviderEndpoint(baseUrl, instanceName, CredentialFields.parse(type, fields));
    }

    private String encryptCredentials(AccountId account, UUID id, ProviderCredentials credentials) {
        return cipher.encrypt(json.writeValueAsString(CredentialFields.toMap(credentials)), credentialData(account, id));
    }

    /** Associated data of a provider's credentials: ciphertext moved to another row does not decrypt. */
    static String credentialData(AccountId account, UUID id) {
        return "account:" + account + "/provider:" + id;
    }

    private static String secretData(AccountId account, UUID id) {
        return credentialData(account, id) + "/webhook_secret";
    }

    /** The base URL to store: well-formed, and one the outbound policy lets the hub call. */
    private URI baseUrl(ProviderType type, @Nullable URI requested) {
        if (requested == null) {
            if (type == ProviderType.CLOUD_API) {
                return ProviderEndpoint.CLOUD_API_BASE_URL;
            }
            throw ApiProblem.invalid("base_url", "is required for " + type.jsonName());
        }
        return checkedBaseUrl(requested);
    }

    private URI checkedBaseUrl(URI requested) {
        var scheme = requested.getScheme() == null ? "" : requested.getScheme().toLowerCase(Locale.ROOT);
        if (!requested.isAbsolute() || requested.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))
                || requested.getRawQuery() != null || requested.getRawFragment() != null) {
            throw ApiProblem.invalid("base_url", "must be an absolute http(s) URL without query or fragment");
        }
        return outbound.require("base_url", requested);
    }

    private static @Nullable String instanceName(ProviderType type, @Nullable String requested) {
        var name = requested == null || requested.isBlank() ? null : requested.strip();
        if (name == null && type == ProviderType.EVOLUTION) {
            throw ApiProblem.invalid("instance_name", "is required for evolution");
        }
        return name;
    }

    private static void requireSameType(ProviderType type, ProviderCredentials credentials) {
        if (credentials.type() != type) {
            throw ApiProblem.invalid("credentials", "are not " + type.jsonName() + " credentials");
        }
    }

    private static void changed(Map<String, Object> changes, String field, @Nullable Object before,
            @Nullable Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, java.util.Arrays.asList(before, after));
        }
    }

    private static @Nullable String truncate(@Nullable String detail) {
        return detail == null || detail.length() <= 500 ? detail : detail.substring(0, 500) + "…";
    }



    private static final String SELECT = """
            select id, account_id, name, type, base_url, instance_name, chatwoot_inbox_id, status, status_detail,
                checked_at, last_event_at, created_at, updated_at, phone_number, profile_name, provisioned,
                connection_updated_at
            from providers""";

    private static Provider provider(ResultSet rs, int row) throws SQLException {
        var status = rs.getString("status");
        return new Provider(rs.getObject("id", UUID.class), AccountId.of(rs.getLong("account_id")),
                rs.getString("name"), ProviderType.fromJson(rs.getString("type")), URI.create(rs.getString("base_url")),
                rs.getString("instance_name"), rs.getObject("chatwoot_inbox_id", Long.class),
                "unknown".equals(status) ? null : ConnectionState.Status.valueOf(status.toUpperCase(Locale.ROOT)),
                rs.getString("status_detail"), instant(rs.getTimestamp("checked_at")),
                instant(rs.getTimestamp("last_event_at")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getString("phone_number"), rs.getString("profile_name"),
                rs.getBoolean("provisioned"), instant(rs.getTimestamp("connection_updated_at")));
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
