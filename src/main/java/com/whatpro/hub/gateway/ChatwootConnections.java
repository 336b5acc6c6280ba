package com.whatpro.hub.gateway;

import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootClient;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.platform.crypto.Secrets;
import com.whatpro.hub.providers.ProvidersSettings;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each account's Chatwoot connection: base URL, Chatwoot account and inbox, an access token the hub acts with, the
 * optional secret Chatwoot signs its webhooks with, and the secret of the hub's webhook URL for Chatwoot. Tokens and
 * secrets are encrypted (AES-256-GCM, bound to the account and column) and never returned.
 */
@Service
class ChatwootConnections {

    private static final Logger log = LoggerFactory.getLogger(ChatwootConnections.class);

    private final JdbcClient jdbc;
    private final CredentialCipher cipher;
    private final ChatwootClient chatwoot;
    private final Conversations conversations;
    private final ApplicationEventPublisher events;
    private final Accounts accounts;
    private final ChatwootInboxSecrets inboxSecrets;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate writing;
    private final ExpiringCache<AccountId, Stored> targets;
    private final ExpiringCache<AccountId, Link> links;

    ChatwootConnections(JdbcClient jdbc, CredentialCipher cipher, ChatwootClient chatwoot, Conversations conversations,
            ApplicationEventPublisher events, Accounts accounts, ChatwootInboxSecrets inboxSecrets,
            PlatformTransactionManager transactions, ProvidersSettings providers, Clock clock) {
        this.jdbc = jdbc;
        this.inboxSecrets = inboxSecrets;
        this.events = events;
        this.accounts = accounts;
        this.conversations = conversations;
        this.cipher = cipher;
        this.chatwoot = chatwoot;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.writing = new TransactionTemplate(transactions);
        this.targets = providers.webhookCache(clock);
        this.links = new ExpiringCache<>(providers.webhookCacheTtl(), 10_000, clock);
    }

    /** A connection as admins see it. */
    record Connection(AccountId account, URI baseUrl, long chatwootAccountId, @Nullable Long inboxId,
            boolean hasWebhookSecret, Instant createdAt, Instant updatedAt) {
    }

    /**
     * What to connect to.
     *
     * @param apiToken null keeps the stored token (required the first time)
     * @param webhookSecret null keeps the stored one; empty removes it
     */
    record Settings(URI baseUrl, long chatwootAccountId, @Nullable Long inboxId, @Nullable String apiToken,
            @Nullable String webhookSecret) {
    }

    /** A connection with a client acting with its token, as the workers use it. */
    record Link(Connection connection, ChatwootAccountClient client) {
    }

    /**
     * The connection and its client for the bridge, read at most a few seconds ago
     * ({@link ProvidersSettings#webhookCacheTtl()}); call in the account's scope.
     */
    Optional<Link> link(AccountId account) {
        return links.get(account, id -> readOnly.execute(status -> find(id).flatMap(connection ->
                client(id).map(client -> new Link(connection, client)))));
    }

    /**
     * Whom a Chatwoot webhook URL belongs to, and the secrets its deliveries may be signed with.
     *
     * @param signingSecrets empty when the connection has no webhook secret (the URL's secret alone authenticates);
     *        else the connection's, then those of the numbers' own inboxes
     */
    record Target(AccountId account, long chatwootAccountId, List<String> signingSecrets) {

        /** Never the secrets. */
        @Override
        public String toString() {
            return "Target[account=" + account + ", chatwootAccountId=" + chatwootAccountId + ", signingSecrets="
                    + signingSecrets.size() + "]";
        }
    }

    @Transactional(readOnly = true)
    Optional<Connection> find(AccountId account) {
        return jdbc.sql("""
                select account_id, base_url, chatwoot_account_id, inbox_id, webhook_secret is not null as signed,
                    created_at, updated_at
                from chatwoot_connections where account_id = :account
                """)
                .param("account", account.value()).query(ChatwootConnections::connection).optional();
    }

    /**
     * Creates or replaces the connection. A different Chatwoot (base URL or account) forgets which conversation
     * belongs to which contact, since those ids belong to the old one.
     *
     * @throws IllegalArgumentException when there is no connection yet and no API token is given
     */
    @Transactional
    Connection put(AccountId account, Settings settings) {
        var before = find(account);
        if (before.isEmpty() && settings.apiToken() == null) {
            throw new IllegalArgumentException("api_token is required");
        }
        var token = settings.apiToken() == null ? null
                : cipher.encrypt(settings.apiToken(), data(account, "api_token"));
        var webhookSecret = settings.webhookSecret() == null || settings.webhookSecret().isEmpty() ? null
                : cipher.encrypt(settings.webhookSecret(), data(account, "webhook_secret"));
        if (before.isEmpty()) {
            var urlSecret = Secrets.newUrlSecret();
            jdbc.sql("""
                    insert into chatwoot_connections (account_id, base_url, chatwoot_account_id, inbox_id, api_token,
                        webhook_secret, url_secret_hash, url_secret)
                    values (:account, :base, :chatwoot, :inbox, :token, :webhook, :hash, :url)
                    """)
                    .param("account", account.value()).param("base", settings.baseUrl().toString())
                    .param("chatwoot", settings.chatwootAccountId()).param("inbox", settings.inboxId())
                    .param("token", token).param("webhook", webhookSecret).param("hash", Secrets.sha256(urlSecret))
                    .param("url", cipher.encrypt(urlSecret, data(account, "url_secret")))
                    .update();
        } else {
            jdbc.sql("""
                    update chatwoot_connections set base_url = :base, chatwoot_account_id = :chatwoot, inbox_id = :inbox,
                        api_token = coalesce(:token, api_token),
                        webhook_secret = case when :keepWebhook then webhook_secret else :webhook end,
                        updated_at = now()
                    where account_id = :account
                    """)
                    .param("base", settings.baseUrl().toString()).param("chatwoot", settings.chatwootAccountId())
                    .param("inbox", settings.inboxId()).param("token", token)
                    .param("keepWebhook", settings.webhookSecret() == null).param("webhook", webhookSecret)
                    .param("account", account.value()).update();
            var old = before.get();
            if (!old.baseUrl().equals(settings.baseUrl()) || old.chatwootAccountId() != settings.chatwootAccountId()) {
                jdbc.sql("delete from gateway_conversations where account_id = :account")
                        .param("account", account.value()).update();
                conversations.forget(account);
                inboxSecrets.forget(account);
            }
        }
        // another token or Chatwoot may take the statuses the old one refused
        jdbc.sql("delete from gateway_status_refusals where account_id = :account")
                .param("account", account.value()).update();
        targets.evict(account);
        links.evict(account);
        var after = find(account).orElseThrow();
        events.publishEvent(new GatewayChanged(account, "chatwoot.connected", "chatwoot_connection",
                account.toString(), changes(before.orElse(null), after, settings)));
        return after;
    }

    /**
     * Keeps the secret Chatwoot signs the webhooks of one of the numbers' inboxes with; null forgets it. Call it in
     * the account's scope.
     */
    void keepInboxSecret(AccountId account, long inboxId, @Nullable String secret) {
        inboxSecrets.keep(account, inboxId, secret);
        targets.evict(account);
    }

    /** The secret of the hub's webhook URL for this account's Chatwoot. */
    @Transactional(readOnly = true)
    Optional<String> urlSecret(AccountId account) {
        return jdbc.sql("select url_secret from chatwoot_connections where account_id = :account")
                .param("account", account.value()).query(String.class).optional()
                .map(sealed -> cipher.decrypt(sealed, data(account, "url_secret")));
    }

    /** The Chatwoot API of the account, acting with its stored token; empty when Chatwoot is not connected. */
    @Transactional(readOnly = true)
    Optional<ChatwootAccountClient> client(AccountId account) {
        return jdbc.sql("select base_url, chatwoot_account_id, api_token from chatwoot_connections where account_id = :account")
                .param("account", account.value())
                .query((rs, n) -> chatwoot.account(URI.create(rs.getString(1)), rs.getLong(2),
                        cipher.decrypt(rs.getString(3), data(account, "api_token"))))
                .optional();
    }

    /**
     * The account a Chatwoot webhook URL names, if its secret is right and the account active; looked up in the platform scope since the
     * account is not trusted before. Unknown account and wrong secret look the same.
     */
    Optional<Target> webhookTarget(AccountId account, String secret) {
        var stored = targets.get(account, id -> Tenancy.callAsPlatform(() -> readOnly.execute(status -> jdbc.sql("""
                select chatwoot_account_id, webhook_secret, url_secret_hash from chatwoot_connections
                where account_id = :account
                """)
                .param("account", id.value())
                .query((rs, n) -> new Stored(rs.getBytes("url_secret_hash"), id, rs.getLong("chatwoot_account_id"),
                        rs.getString("webhook_secret"), List.<ChatwootInboxSecrets.Sealed>of()))
                .optional()
                .map(found -> found.sealedSigningSecret() == null ? found : found.with(inboxSecrets.sealed(id)))
                .filter(target -> accounts.isActive(id)))));
        if (stored.isEmpty() || !Secrets.matches(secret, stored.get().urlSecretHash())) {
            return Optional.empty();
        }
        var found = stored.get();
        var signingSecrets = new ArrayList<String>();
        // decrypted only once the URL's secret is proven, so wrong secrets cost no decryption
        if (found.sealedSigningSecret() != null) {
            signingSecrets.add(cipher.decrypt(found.sealedSigningSecret(), data(account, "webhook_secret")));
            found.inboxSecrets().forEach(sealed -> signingSecrets.add(inboxSecrets.open(account, sealed)));
        }
        return Optional.of(new Target(account, found.chatwootAccountId(), List.copyOf(signingSecrets)));
    }

    private record Stored(byte[] urlSecretHash, AccountId account, long chatwootAccountId,
            @Nullable String sealedSigningSecret, List<ChatwootInboxSecrets.Sealed> inboxSecrets) {

        Stored with(List<ChatwootInboxSecrets.Sealed> inboxSecrets) {
            return new Stored(urlSecretHash, account, chatwootAccountId, sealedSigningSecret, inboxSecrets);
        }
    }

    private static Map<String, Object> changes(@Nullable Connection before, Connection after, Settings settings) {
        var changes = new LinkedHashMap<String, Object>();
        if (before == null || !before.baseUrl().equals(after.baseUrl())) {
            changes.put("base_url", Arrays.asList(before == null ? null : before.baseUrl().toString(),
                    after.baseUrl().toString()));
        }
        if (before == null || before.chatwootAccountId() != after.chatwootAccountId()) {
            changes.put("chatwoot_account_id", Arrays.asList(before == null ? null : before.chatwootAccountId(),
                    after.chatwootAccountId()));
        }
        if (before == null || !Objects.equals(before.inboxId(), after.inboxId())) {
            changes.put("inbox_id", Arrays.asList(before == null ? null : before.inboxId(), after.inboxId()));
        }
        if (settings.apiToken() != null) {
            changes.put("api_token", "(redacted)");
        }
        if (settings.webhookSecret() != null) {
            changes.put("webhook_secret", settings.webhookSecret().isEmpty() ? "(removed)" : "(redacted)");
        }
        return changes;
    }

    /** Moves tokens and secrets under an older key to the active key of {@code cipher}; returns how many rows. */
    int reencrypt(CredentialCipher cipher) {
        var rows = Objects.requireNonNull(Tenancy.callAsPlatform(() -> readOnly.execute(status -> jdbc.sql(
                        "select account_id, api_token, webhook_secret, url_secret from chatwoot_connections "
                        + "where not starts_with(api_token, :active) or not starts_with(url_secret, :active) "
                        + "or not starts_with(webhook_secret, :active)")
                .param("active", cipher.activePrefix())
                .query((rs, n) -> new Sealed(AccountId.of(rs.getLong(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4)))
                .list())));
        int moved = 0;
        for (var row : rows) {
            var account = row.account();
            try {
                var token = cipher.reencrypt(row.apiToken(), data(account, "api_token"));
                var webhook = row.webhookSecret() == null ? null
                        : cipher.reencrypt(row.webhookSecret(), data(account, "webhook_secret"));
                var url = cipher.reencrypt(row.urlSecret(), data(account, "url_secret"));
                Tenancy.runAs(account, () -> writing.executeWithoutResult(status -> jdbc.sql("""
                        update chatwoot_connections set api_token = :token, webhook_secret = :webhook, url_secret = :url
                        where account_id = :account and api_token = :oldToken and url_secret = :oldUrl
                            and webhook_secret is not distinct from :oldWebhook
                        """)
                        .param("token", token).param("webhook", webhook).param("url", url)
                        .param("account", account.value()).param("oldToken", row.apiToken())
                        .param("oldUrl", row.urlSecret()).param("oldWebhook", row.webhookSecret())
                        .update()));
                targets.evict(account);
                links.evict(account);
                moved++;
            } catch (CredentialDecryptionException e) {
                // one unreadable row must not keep every other account's connection under the old key
                log.warn("The Chatwoot connection of account {} cannot be read ({}); it is left as it is",
                        account.value(), e.getMessage());
            }
        }
        return moved;
    }

    private record Sealed(AccountId account, String apiToken, @Nullable String webhookSecret, String urlSecret) {
    }

    private static String data(AccountId account, String column) {
        return "account:" + account + "/chatwoot/" + column;
    }

    private static Connection connection(ResultSet rs, int row) throws SQLException {
        return new Connection(AccountId.of(rs.getLong("account_id")), URI.create(rs.getString("base_url")),
                rs.getLong("chatwoot_account_id"), rs.getObject("inbox_id", Long.class), rs.getBoolean("signed"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }



}
