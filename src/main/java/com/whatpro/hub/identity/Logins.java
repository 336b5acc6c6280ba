package com.whatpro.hub.identity;

import java.util.HexFormat;
import java.util.Locale;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.ratelimit.RateLimiter;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Password sign-in. An unknown email costs the same hash as a wrong password and answers the
 * same, so the answer never tells whether an account exists. Failed attempts per target email
 * are limited ({@code whatpro.rate-limits.failed-logins}): each attempt takes a token before
 * the password is checked, so parallel guesses cannot slip past the limit, and a good password
 * gives its token back. Over the limit the password is not even looked at.
 *
 * <p>The hash runs outside any transaction: it waits for one of the node's hashing slots
 * ({@link BoundedPasswordEncoder}) and then takes tens of milliseconds, and neither may hold a
 * database connection from the pool. When no slot frees up in time the attempt gives its token
 * back (the password was never checked) and ends in {@link PasswordHashingBusy}.
 */
@Service
class Logins {

    private final Users users;
    private final PasswordEncoder passwords;
    private final SessionRegistry sessions;
    private final ApplicationEventPublisher events;
    private final RateLimiter limiter;
    private final RateLimitSettings limits;
    private final String decoyHash;

    Logins(Users users, PasswordEncoder passwords, SessionRegistry sessions, ApplicationEventPublisher events,
            RateLimiter limiter, RateLimitSettings limits) {
        this.users = users;
        this.passwords = passwords;
        this.sessions = sessions;
        this.events = events;
        this.limiter = limiter;
        this.limits = limits;
        this.decoyHash = passwords.encode("decoy-password-for-unknown-emails");
    }

    sealed interface Outcome {
        record Granted(SessionRegistry.Grant grant) implements Outcome {
        }

        record Refused() implements Outcome {
        }

        record Throttled(long retryAfterSeconds) implements Outcome {
        }
    }

    /** @throws PasswordHashingBusy when every hashing slot of the node stayed taken */
    Outcome login(String email, String password, ClientInfo client) {
        var bucket = "login:" + digest(email);
        if (limits.enabled()) {
            var attempt = limiter.consume(bucket, limits.failedLogins());
            if (!attempt.allowed()) {
                failed(email, "too_many_failures");
                return new Outcome.Throttled(attempt.retryAfterSeconds());
            }
        }
        var user = users.byEmail(email);
        var hash = user.map(Users.User::passwordHash).orElse(null);
        boolean matches;
        try {
            matches = passwords.matches(password, hash == null ? decoyHash : hash) && hash != null;
        } catch (PasswordHashingBusy busy) {
            if (limits.enabled()) {
                limiter.refund(bucket, limits.failedLogins());
            }
            throw busy;
        }
        if (user.isEmpty() || !matches) {
            failed(email, user.isEmpty() ? "unknown_email" : hash == null ? "no_password" : "wrong_password");
            return new Outcome.Refused();
        }
        if (limits.enabled()) {
            limiter.refund(bucket, limits.failedLogins());
        }
        return new Outcome.Granted(sessions.open(user.get().id(), "password", client));
    }

    /**
     * Whether the password is the user's, checked as a sign-in checks it and charged to the same budget of failed
     * attempts for the user's email, so this is no way around that limit.
     *
     * @throws ApiProblem 429 when the email's budget of failed attempts is spent
     */
    boolean confirms(Users.User user, String password) {
        var bucket = "login:" + digest(user.email());
        if (limits.enabled()) {
            var attempt = limiter.consume(bucket, limits.failedLogins());
            if (!attempt.allowed()) {
                failed(user.email(), "too_many_failures");
                throw ApiProblem.tooManyRequests("Too many failed attempts at this user's password; try again later.",
                        attempt.retryAfterSeconds()).with("scope", "email");
            }
        }
        if (user.passwordHash() == null || !passwords.matches(password, user.passwordHash())) {
            failed(user.email(), "wrong_password");
            return false;
        }
        if (limits.enabled()) {
            limiter.refund(bucket, limits.failedLogins());
        }
        return true;
    }

    private void failed(String email, String reason) {
        events.publishEvent(new LoginFailed(email.strip().toLowerCase(Locale.ROOT), reason));
    }

    /** The bucket is named after a hash, so Redis never holds the email addresses people try. */
    private static String digest(String email) {
        return HexFormat.of().formatHex(SessionRegistry.hash(email.strip().toLowerCase(Locale.ROOT)), 0, 16);
    }
}
