package com.whatpro.hub.identity;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.database.LostConnections;
import com.whatpro.hub.platform.security.Caller;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys: {@code wph_<key id>_<secret>}. The secret is shown once and kept only as its
 * SHA-256, compared in constant time; a revoked or expired key fails on its very next use.
 */
@Service
class ApiKeys {

    static final String PREFIX = "wph_";
    private static final Pattern FORMAT = Pattern.compile("wph_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration MARK_USED_EVERY = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final LostConnections lostConnections;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Entitlements entitlements;

    ApiKeys(JdbcClient jdbc, PlatformTransactionManager transactions, ApplicationEventPublisher events,
            Entitlements entitlements, LostConnections lostConnections) {
        this.jdbc = jdbc;
        this.lostConnections = lostConnections;
        this.transactions = new TransactionTemplate(transactions);
        this.events = events;
        this.entitlements = entitlements;
    }

    record Key(UUID id, String name, String prefix, List<String> scopes, @Nullable Instant expiresAt,
            @Nullable Instant lastUsedAt, @Nullable Instant revokedAt, Instant createdAt) {
    }

    record Issued(Key key, String secretKey) {
    }

    @Transactional
    Issued create(AccountId account, String name, Set<String> scopes, @Nullable Instant expiresAt, UUID actor) {
        entitlements.ensureFeature(account, "api_keys");
        var keyId = randomKeyId();
        var secret = randomSecret();
        var id = Ids.newId();
        var sortedScopes = scopes.stream().sorted().toList();
        jdbc.sql("""
                insert into api_keys (id, account_id, key_id, name, secret_hash, scopes, created_by, expires_at)
                values (:id, :account, :keyId, :name, :hash, :scopes, :actor, :expires)
                """)
                .param("id", id).param("account", account.value()).param("keyId", keyId).param("name", name.strip())
                .param("hash", sha256(secret)).param("scopes", sortedScopes.toArray(String[]::new))
                .param("actor", actor).param("expires", expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        events.publishEvent(new ApiKeyCreated(account, id, name.strip(), sortedScopes, expiresAt, actor));
        var key = find(account, id).orElseThrow();
        return new Issued(key, PREFIX + keyId + "_" + secret);
    }

    @Transactional(readOnly = true)
    List<Key> list(AccountId account) {
        return jdbc.sql(SELECT + " where account_id = :account order by created_at desc")
                .param("account", account.value()).query(ApiKeys::key).list();
    }

    @Transactional(readOnly = true)
    Optional<Key> find(AccountId account, UUID id) {
        return jdbc.sql(SELECT + " where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(ApiKeys::key).optional();
    }

    @Transactional
    boolean revoke(AccountId account, UUID id, UUID actor) {
        var revoked = jdbc.sql("update api_keys set revoked_at = now() where account_id = :account and id = :id and revoked_at is null")
                .param("account", account.value()).param("id", id).update() > 0;
        if (revoked) {
            events.publishEvent(new ApiKeyRevoked(account, id, actor));
        }
        return revoked;
    }

    /** A genuine, live key, and whether its account is active. */
    record Authenticated(Caller.ApiKey caller, boolean accountActive) {
    }

    /**
     * The caller a presented key stands for. A key that is not of our format is refused without
     * a query; otherwise one statement (one round trip, no transaction) reads the key and its
     * account's status, in the platform scope since the account is not known before. Its last
     * use is written at most once a minute.
     */
    Optional<Authenticated> authenticate(String presented) {
        var match = FORMAT.matcher(presented);
        if (!match.matches()) {
            return Optional.empty();
        }
        var stored = lostConnections.retryOnce(() -> jdbc.sql("select * from identity_api_key(:keyId)")
                .param("keyId", match.group(1))
                .query((rs, n) -> new StoredKey(rs.getObject("key_uuid", UUID.class), AccountId.of(rs.getLong("key_account")),
                        rs.getBytes("key_secret_hash"), Set.of((String[]) rs.getArray("key_scopes").getArray()),
                        rs.getObject("key_created_by", UUID.class), rs.getTimestamp("key_expires_at"),
                        rs.getTimestamp("key_revoked_at"), rs.getTimestamp("key_last_used"), rs.getBoolean("account_active")))
                .optional());
        if (stored.isEmpty() || !MessageDigest.isEqual(stored.get().secretHash(), sha256(match.group(2)))) {
            return Optional.empty();
        }
        var key = stored.get();
        var now = Instant.now();
        if (!live(key.revokedAt(), key.expiresAt(), now)) {
            return Optional.empty();
        }
        if (key.lastUsedAt() == null || key.lastUsedAt().toInstant().plus(MARK_USED_EVERY).isBefore(now)) {
            Tenancy.runAs(key.account(), () -> transactions.executeWithoutResult(status -> jdbc.sql("""
                    update api_keys set last_used_at = now()
                    where id = :id and (last_used_at is null or last_used_at < now() - interval '1 minute')
                    """).param("id", key.id()).update()));
        }
        return Optional.of(new Authenticated(new Caller.ApiKey(key.id(), key.account(), key.scopes(), key.createdBy()),
                key.accountActive()));
    }

    /**
     * A key that authenticated earlier, as it stands now (for a caller still being served, such as an
     * open event stream): empty once it is revoked, expired or gone. One statement, no transaction;
     * its last use is not written.
     */
    Optional<Authenticated> recheck(Caller.ApiKey key) {
        var state = lostConnections.retryOnce(() -> jdbc.sql("select * from identity_api_key_state(:key, :account)")
                .param("key", key.keyId()).param("account", key.account().value())
                .query((rs, n) -> new KeyState(live(rs.getTimestamp("key_revoked_at"), rs.getTimestamp("key_expires_at"),
                        Instant.now()), rs.getBoolean("account_active")))
                .optional());
        return state.filter(KeyState::live).map(now -> new Authenticated(key, now.accountActive()));
    }

    private record KeyState(boolean live, boolean accountActive) {
    }

    private static boolean live(@Nullable Timestamp revokedAt, @Nullable Timestamp expiresAt, Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.toInstant().isAfter(now));
    }

    static boolean looksLikeKey(String credential) {
        return credential.startsWith(PREFIX);
    }

    private record StoredKey(UUID id, AccountId account, byte[] secretHash, Set<String> scopes, UUID createdBy,
            @Nullable Timestamp expiresAt, @Nullable Timestamp revokedAt, @Nullable Timestamp lastUsedAt,
            boolean accountActive) {
    }

    private static final String SELECT = """
            select id, name, key_id, scopes, expires_at, last_used_at, revoked_at, created_at from api_keys""";

    private static Key key(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Key(rs.getObject("id", UUID.class), rs.getString("name"), PREFIX + rs.getString("key_id"),
                Arrays.asList((String[]) rs.getArray("scopes").getArray()), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at")),
                rs.getTimestamp("created_at").toInstant());
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String randomKeyId() {
        var alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var id = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static String randomSecret() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(String secret) {
        return SessionRegistry.hash(secret);
    }
}
