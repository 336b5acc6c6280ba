package com.whatpro.hub.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.accounts.Account;
import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.KeyMaterial;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Role;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The web app's sign-in, on top of the API's own sessions: a web sign-in opens a row in the same
 * sessions table (so {@code GET /api/v1/auth/sessions} lists it and revocation ends it), and the
 * browser holds it as a signed cookie value naming the user and the session. Every use re-reads
 * the session, so a revoked one stops at once.
 *
 * <p>Every sign-in, with a password or a Chatwoot token, first counts against its client IP's
 * bucket, the one the API's sign-in routes count against ({@code whatpro.rate-limits.anonymous}),
 * so rotating e-mails gets an address no further on the web pages than on the API.
 */
@Service
public class WebSessions {

    private static final String ISSUER = "whatpro-hub-web";

    private final Logins logins;
    private final ChatwootSso sso;
    private final SessionRegistry sessions;
    private final AccessTokens accessTokens;
    private final Users users;
    private final Memberships memberships;
    private final Accounts accounts;
    private final IdentitySettings settings;
    private final SessionTokens tokens;
    private final RequestThrottle throttle;

    WebSessions(Logins logins, ChatwootSso sso, SessionRegistry sessions, AccessTokens accessTokens, Users users,
            Memberships memberships, Accounts accounts, IdentitySettings settings, KeyMaterial keys,
            RequestThrottle throttle) {
        this.logins = logins;
        this.sso = sso;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.users = users;
        this.memberships = memberships;
        this.accounts = accounts;
        this.settings = settings;
        this.tokens = new SessionTokens(keys, "web-session-signing", ISSUER);
        this.throttle = throttle;
    }

    /** How a sign-in ended. */
    public sealed interface SignIn {
        /** {@code cookie} is the value to keep in the browser for {@code maxAge}. */
        record Opened(String cookie, Duration maxAge) implements SignIn {
        }

        record Refused(Reason reason) implements SignIn {
        }

        /** Refused unchecked by a rate limit: {@code limit} says which one. */
        record Throttled(long retryAfterSeconds, Limit limit) implements SignIn {
        }
    }

    /** The rate limit that refused a sign-in: failed attempts for the e-mail, or sign-ins from the client IP. */
    public enum Limit {
        EMAIL, ADDRESS
    }

    /** Why a sign-in was refused; {@code BUSY}: the server had no password-hashing slot free, try again shortly. */
    public enum Reason {
        BAD_CREDENTIALS, CHATWOOT_REJECTED, CHATWOOT_UNAVAILABLE, CHATWOOT_NOT_CONFIGURED, CHATWOOT_LINK_REQUIRED, FAILED,
        BUSY
    }

    public record Membership(long accountId, String accountName, Role role) {
    }

    /** The signed-in person behind a web request, read fresh with their session. */
    public record WebUser(UUID id, UUID sessionId, String email, String name, boolean superAdmin,
            List<Membership> memberships) {

        public Optional<Membership> membership(long accountId) {
            return memberships.stream().filter(m -> m.accountId() == accountId).findFirst();
        }
    }

    public record WebSession(UUID id, @Nullable String userAgent, @Nullable String ipAddress, Instant createdAt,
            Instant lastSeenAt, boolean current) {
    }

    public SignIn withPassword(String email, String password, HttpServletRequest request) {
        var address = throttle.chargeAddress(request);
        if (address.isPresent()) {
            return new SignIn.Throttled(address.get().retryAfterSeconds(), Limit.ADDRESS);
        }
        try {
            return switch (logins.login(email, password, ClientInfo.of(request))) {
                case Logins.Outcome.Granted granted -> opened(granted.grant());
                case Logins.Outcome.Refused refused -> new SignIn.Refused(Reason.BAD_CREDENTIALS);
                case Logins.Outcome.Throttled throttled -> new SignIn.Throttled(throttled.retryAfterSeconds(), Limit.EMAIL);
            };
        } catch (PasswordHashingBusy busy) {
            return new SignIn.Refused(Reason.BUSY);
        }
    }

    public SignIn withChatwoot(String chatwootToken, HttpServletRequest request) {
        var address = throttle.chargeAddress(request);
        if (address.isPresent()) {
            return new SignIn.Throttled(address.get().retryAfterSeconds(), Limit.ADDRESS);
        }
        try {
            return opened(sso.login(chatwootToken, ClientInfo.of(request)));
        } catch (ApiProblem problem) {
            return new SignIn.Refused(reason(problem));
        }
    }

    /** The user of a cookie whose session is still open; empty for anything else. */
    public Optional<WebUser> user(@Nullable String cookie) {
        var claims = verify(cookie);
        if (claims.isEmpty()) {
            return Optional.empty();
        }
        var userId = claims.get().userId();
        var sessionId = claims.get().sessionId();
        return Tenancy.callAsUser(userId, () -> {
            var state = sessions.state(sessionId, userId, null);
            if (state.isEmpty() || !state.get().active()) {
                return Optional.<WebUser>empty();
            }
            return users.byId(userId).map(user -> new WebUser(user.id(), sessionId, user.email(), user.name(),
                    user.superAdmin(), memberships(userId)));
        });
    }

    /**
     * A short-lived API access token for one request carrying this cookie. The API checks the
     * session again, as it does for every token.
     */
    public Optional<String> bearer(@Nullable String cookie) {
        return verify(cookie).map(claims -> accessTokens.issue(claims.userId(), claims.sessionId()).token());
    }

    public void signOut(@Nullable String cookie) {
        verify(cookie).ifPresent(claims -> Tenancy.callAsUser(claims.userId(),
                () -> sessions.revoke(claims.sessionId(), claims.userId(), "logout", claims.userId())));
    }

    public List<WebSession> sessions(WebUser user) {
        return Tenancy.callAsUser(user.id(), () -> sessions.active(user.id()).stream()
                .map(s -> new WebSession(s.id(), s.userAgent(), s.ipAddress(), s.createdAt(), s.lastSeenAt(),
                        s.id().equals(user.sessionId())))
                .toList());
    }

    /** Ends one of the user's own sessions; false when they have no such open session. */
    public boolean revoke(WebUser user, UUID sessionId) {
        return Tenancy.callAsUser(user.id(), () -> sessions.revoke(sessionId, user.id(), "revoked_by_user", user.id()));
    }

    private List<Membership> memberships(UUID userId) {
        var roles = memberships.rolesOf(userId);
        return accounts.all(roles.keySet()).stream()
                .filter(account -> account.status() == Account.Status.ACTIVE)
                .map(account -> new Membership(account.id().value(), account.name(), roles.get(account.id())))
                .sorted(Comparator.comparing(Membership::accountName))
                .toList();
    }

    private SignIn opened(SessionRegistry.Grant grant) {
        var now = accessTokens.now();
        var cookie = tokens.sign(grant.userId(), grant.sessionId(), now, grant.refreshExpiresAt());
        var maxAge = Duration.between(now, grant.refreshExpiresAt());
        return new SignIn.Opened(cookie, maxAge.isNegative() ? settings.sessionTtl() : maxAge);
    }

    private Optional<AccessTokens.Claims> verify(@Nullable String cookie) {
        if (cookie == null || cookie.isBlank() || cookie.length() > 2048) {
            return Optional.empty();
        }
        return tokens.verify(cookie, accessTokens.now());
    }

    private static Reason reason(ApiProblem problem) {
        if (problem.status() == HttpStatus.UNAUTHORIZED) {
            return Reason.CHATWOOT_REJECTED;
        }
        if (problem.status() == HttpStatus.CONFLICT) {
            return Reason.CHATWOOT_LINK_REQUIRED;
        }
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            return problem.type().endsWith("sso-unavailable") ? Reason.CHATWOOT_NOT_CONFIGURED : Reason.CHATWOOT_UNAVAILABLE;
        }
        return Reason.FAILED;
    }
}
