package com.whatpro.hub.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.database.LostConnections;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sessions and their refresh tokens. A refresh token is 256 random bits, kept only as its
 * SHA-256; each refresh rotates it, and presenting a rotated one again revokes the session.
 */
@Service
class SessionRegistry {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final LostConnections lostConnections;
    private final AccessTokens accessTokens;
    private final IdentitySettings settings;
    private final ApplicationEventPublisher events;

    SessionRegistry(JdbcClient jdbc, AccessTokens accessTokens, IdentitySettings settings,
            ApplicationEventPublisher events, LostConnections lostConnections) {
        this.jdbc = jdbc;
        this.lostConnections = lostConnections;
        this.accessTokens = accessTokens;
        this.settings = settings;
        this.events = events;
    }

    /** What a client receives on login and on every refresh. */
    record Grant(UUID userId, UUID sessionId, AccessTokens.Issued access, String refreshToken, Instant refreshExpiresAt) {
    }

    sealed interface Refresh {
        record Rotated(Grant grant) implements Refresh {
        }

        record Refused(String reason) implements Refresh {
        }

        record Reused(UUID userId, UUID sessionId) implements Refresh {
        }
    }

    record ActiveSession(UUID id, @Nullable String userAgent, @Nullable String ipAddress, Instant createdAt,
            Instant lastSeenAt) {
    }

    /**
     * What a request's access token stands on, read fresh on every request: the session, the
     * user's global role, their role in the account the request is about (if any) and whether
     * that account exists and is active.
     */
    record SessionState(boolean active, boolean superAdmin, Instant lastSeenAt, @Nullable Role accountRole,
            boolean accountFound, boolean accountActive) {
    }

    @Transactional
    Grant open(UUID userId, String method, ClientInfo client) {
        var sessionId = Ids.newId();
        var expiresAt = accessTokens.now().plus(settings.sessionTtl());
        jdbc.sql("""
                insert into sessions (id, user_id, user_agent, ip_address, login_method, expires_at)
                values (:id, :user, :agent, :ip, :method, :expires)
                """)
                .param("id", sessionId).param("user", userId).param("agent", client.userAgent())
                .param("ip", client.ipAddress()).param("method", method).param("expires", Timestamp.from(expiresAt))
                .update();
        events.publishEvent(new UserLoggedIn(userId, sessionId, method));
        return grant(userId, sessionId, expiresAt);
    }

    @Transactional
    Refresh refresh(String refreshToken, ClientInfo client) {
        var token = jdbc.sql("""
                select t.id, t.session_id, t.expires_at, t.rotated_at, s.user_id, s.revoked_at, s.expires_at as session_expires
                from refresh_tokens t join sessions s on s.id = t.session_id
                where t.token_hash = :hash for update of t
                """)
                .param("hash", hash(refreshToken))
                .query((rs, n) -> new StoredToken(rs.getObject("id", UUID.class), rs.getObject("session_id", UUID.class),
                        rs.getTimestamp("expires_at").toInstant(), rs.getTimestamp("rotated_at"),
                        rs.getObject("user_id", UUID.class), rs.getTimestamp("revoked_at"),
                        rs.getTimestamp("session_expires").toInstant()))
                .optional();
        if (token.isEmpty()) {
            return new Refresh.Refused("unknown refresh token");
        }
        var stored = token.get();
        if (stored.rotatedAt() != null) {
            if (stored.sessionRevokedAt() == null) {
                revokeSession(stored.sessionId(), stored.userId(), "refresh_token_reused", null);
                events.publishEvent(new RefreshTokenReused(stored.userId(), stored.sessionId()));
            }
            return new Refresh.Reused(stored.userId(), stored.sessionId());
        }
        var now = accessTokens.now();
        if (stored.sessionRevokedAt() != null || !stored.sessionExpiresAt().isAfter(now) || !stored.expiresAt().isAfter(now)) {
            return new Refresh.Refused("session ended");
        }
        jdbc.sql("update refresh_tokens set rotated_at = now() where id = :id").param("id", stored.id()).update();
        jdbc.sql("update sessions set last_seen_at = now(), ip_address = :ip, user_agent = coalesce(:agent, user_agent) where id = :id")
                .param("ip", client.ipAddress()).param("agent", client.userAgent()).param("id", stored.sessionId()).update();
        return new Refresh.Rotated(grant(stored.userId(), stored.sessionId(), stored.sessionExpiresAt()));
    }

    @Transactional
    boolean revoke(UUID sessionId, UUID userId, String reason, @Nullable UUID actor) {
        return revokeSession(sessionId, userId, reason, actor);
    }

    @Transactional
    int revokeAllExcept(UUID userId, UUID keep, UUID actor) {
        var others = jdbc.sql("select id from sessions where user_id = :user and id <> :keep and revoked_at is null")
                .param("user", userId).param("keep", keep).query(UUID.class).list();
        others.forEach(id -> revokeSession(id, userId, "revoked_by_user", actor));
        return others.size();
    }

    @Transactional(readOnly = true)
    List<ActiveSession> active(UUID userId) {
        return jdbc.sql("""
                select id, user_agent, ip_address, created_at, last_seen_at from sessions
                where user_id = :user and revoked_at is null and expires_at > now()
                order by last_seen_at desc
                """)
                .param("user", userId)
                .query((rs, n) -> new ActiveSession(rs.getObject("id", UUID.class), rs.getString("user_agent"),
                        rs.getString("ip_address"), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("last_seen_at").toInstant()))
                .list();
    }

    /**
     * The session behind an access token, read fresh on every request in one statement (one
     * round trip, no transaction): revoked or expired sessions stop their tokens at once. With it
     * come the user's global role, their role in {@code account} and that account's status; the
     * session is marked seen at most every 30 s in the same statement.
     */
    Optional<SessionState> state(UUID sessionId, UUID userId, @Nullable AccountId account) {
        return lostConnections.retryOnce(() -> jdbc.sql("select * from identity_session_state(:session, :user, :account)")
                .param("session", sessionId).param("user", userId).param("account", account == null ? null : account.value())
                .query((rs, n) -> new SessionState(rs.getBoolean("session_active"), rs.getBoolean("super_admin"),
                        rs.getTimestamp("session_last_seen").toInstant(),
                        rs.getString("account_role") == null ? null : Role.fromJson(rs.getString("account_role")),
                        rs.getBoolean("account_found"), rs.getBoolean("account_active")))
                .optional());
    }

    private boolean revokeSession(UUID sessionId, UUID userId, String reason, @Nullable UUID actor) {
        var revoked = jdbc.sql("""
                update sessions set revoked_at = now(), revoked_reason = :reason
                where id = :id and user_id = :user and revoked_at is null
                """)
                .param("reason", reason).param("id", sessionId).param("user", userId).update() > 0;
        if (revoked) {
            events.publishEvent(new SessionRevoked(userId, sessionId, reason, actor));
        }
        return revoked;
    }

    private Grant grant(UUID userId, UUID sessionId, Instant sessionExpiresAt) {
        var refresh = newRefreshToken();
        jdbc.sql("""
                insert into refresh_tokens (id, session_id, token_hash, expires_at)
                values (:id, :session, :hash, :expires)
                """)
                .param("id", Ids.newId()).param("session", sessionId).param("hash", hash(refresh))
                .param("expires", Timestamp.from(sessionExpiresAt))
                .update();
        return new Grant(userId, sessionId, accessTokens.issue(userId, sessionId), refresh, sessionExpiresAt);
    }

    private record StoredToken(UUID id, UUID sessionId, Instant expiresAt, @Nullable Timestamp rotatedAt, UUID userId,
            @Nullable Timestamp sessionRevokedAt, Instant sessionExpiresAt) {
    }

    private static String newRefreshToken() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
