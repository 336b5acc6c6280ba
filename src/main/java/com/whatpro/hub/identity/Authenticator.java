package com.whatpro.hub.identity;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.web.ProblemWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns a request's credential into its {@link Caller}, then, on an
 * {@code /api/v1/accounts/{accountId}/...} route, into the caller's {@link AccountAccess}: a
 * member's role, a super_admin, or an API key of that very account. Anyone else finds nothing
 * there (404). An API key of an account whose plan does not include {@code api_keys} is refused
 * (403 naming the feature). The rest of the request runs in that tenant's database scope.
 *
 * <p>A response that outlives its request (an event stream) has its caller checked again, the same
 * way, through {@link #recheck}.
 */
@Component
class Authenticator extends OncePerRequestFilter {

    static final String CREDENTIAL_REFUSED = Authenticator.class.getName() + ".refused";
    /** When the request's credential was read ({@link System#nanoTime()}, taken before the read). */
    static final String CHECKED_AT = Authenticator.class.getName() + ".checkedAt";
    private static final Pattern ACCOUNT_ROUTE = Pattern.compile("^/api/v1/accounts/(\\d{1,18})(?:/.*)?$");
    private static final String API_KEYS_FEATURE = "api_keys";

    private final AccessTokens accessTokens;
    private final SessionRegistry sessions;
    private final ApiKeys apiKeys;
    private final ProblemWriter problems;
    private final RequestThrottle throttle;
    private final AccountPlans plans;

    Authenticator(AccessTokens accessTokens, SessionRegistry sessions, ApiKeys apiKeys,
            ProblemWriter problems, RequestThrottle throttle, AccountPlans plans) {
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.problems = problems;
        this.throttle = throttle;
        this.plans = plans;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        var path = request.getRequestURI();
        return !path.startsWith("/api/") && !path.startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var credential = credential(request);
        var account = accountOf(request);
        request.setAttribute(CHECKED_AT, System.nanoTime());
        var authentication = credential == null ? Optional.<Authenticated>empty() : authenticate(credential, account);
        var caller = authentication.map(Authenticated::caller);
        if (credential != null && caller.isEmpty()) {
            request.setAttribute(CREDENTIAL_REFUSED, true);
        }
        if (caller.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        var authenticated = caller.get();
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(authenticated,
                null, List.of(new SimpleGrantedAuthority(authenticated.type()))));
        if (authenticated instanceof Caller.ApiKey key && !Tenancy.callAs(key.account(),
                () -> plans.includes(key.account(), API_KEYS_FEATURE))) {
            // the key is genuine, but its account's plan no longer includes keys
            if (throttle.admit(request, response)) {
                problems.write(request, response, Entitlements.featureNotIncluded(API_KEYS_FEATURE));
            }
            return;
        }
        if (account == null) {
            run(authenticated, null, () -> chain.doFilter(request, response));
            return;
        }
        var access = access(authentication.get(), account);
        if (access.isEmpty()) {
            // probing other accounts still costs the caller's own rate limit
            if (throttle.admit(request, response)) {
                problems.write(request, response, ApiProblem.notFound("account"));
            }
            return;
        }
        request.setAttribute(Callers.ACCESS_ATTRIBUTE, access.get());
        run(authenticated, account, () -> chain.doFilter(request, response));
    }

    /**
     * A caller; for a user on an account route, their role there and that account's state; for
     * an API key, whether its own account is active. Read with the credential, in one statement.
     */
    private record Authenticated(Caller caller, @Nullable Role accountRole, boolean accountFound,
            boolean accountActive) {
    }

    private Optional<Authenticated> authenticate(String credential, @Nullable AccountId account) {
        if (ApiKeys.looksLikeKey(credential)) {
            return apiKeys.authenticate(credential)
                    .map(key -> new Authenticated(key.caller(), null, true, key.accountActive()));
        }
        var claims = accessTokens.verify(credential);
        if (claims.isEmpty()) {
            return Optional.empty();
        }
        return user(claims.get().userId(), claims.get().sessionId(), account);
    }

    private Optional<Authenticated> user(UUID user, UUID session, @Nullable AccountId account) {
        var state = sessions.state(session, user, account);
        if (state.isEmpty() || !state.get().active()) {
            return Optional.empty();
        }
        return Optional.of(new Authenticated(new Caller.User(user, session, state.get().superAdmin()),
                state.get().accountRole(), state.get().accountFound(), state.get().accountActive()));
    }

    /**
     * The access a caller that was let in earlier has now, read as a request's would be: the session
     * (revoked? expired?) and the user's role in the account, or the key (revoked? expired?), the
     * account's status and whether its plan still includes keys. Empty once the caller may no longer
     * be in that account at all. One statement, or two for a key whose plan is not cached; call it
     * outside any transaction.
     */
    Optional<AccountAccess> recheck(AccountAccess earlier) {
        var account = earlier.account();
        var authentication = switch (earlier.caller()) {
            case Caller.User user -> user(user.userId(), user.sessionId(), account);
            case Caller.ApiKey key -> apiKeys.recheck(key)
                    .filter(live -> Tenancy.callAs(key.account(), () -> plans.includes(key.account(), API_KEYS_FEATURE)))
                    .map(live -> new Authenticated(live.caller(), null, true, live.accountActive()));
        };
        return authentication.flatMap(now -> access(now, account));
    }

    private Optional<AccountAccess> access(Authenticated authenticated, AccountId account) {
        return switch (authenticated.caller()) {
            case Caller.ApiKey key -> key.account().equals(account) && authenticated.accountActive()
                    ? Optional.of(new AccountAccess(account, key, null)) : Optional.empty();
            case Caller.User user when user.superAdmin() -> authenticated.accountFound()
                    ? Optional.of(new AccountAccess(account, user, Role.SUPER_ADMIN)) : Optional.empty();
            case Caller.User user -> authenticated.accountRole() != null && authenticated.accountActive()
                    ? Optional.of(new AccountAccess(account, user, authenticated.accountRole())) : Optional.empty();
        };
    }

    private static void run(Caller caller, @Nullable AccountId account, Work work) throws IOException, ServletException {
        var user = caller instanceof Caller.User signedIn ? signedIn.userId() : null;
        try {
            Tenancy.callIn(new Tenancy.Scope(account, user, false), () -> {
                work.run();
                return null;
            });
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }

    private interface Work {
        void run() throws IOException, ServletException;
    }

    static @Nullable AccountId accountOf(HttpServletRequest request) {
        var match = ACCOUNT_ROUTE.matcher(request.getRequestURI());
        if (!match.matches()) {
            return null;
        }
        var id = Long.parseLong(match.group(1));
        return id > 0 ? AccountId.of(id) : null;
    }

    private static @Nullable String credential(HttpServletRequest request) {
        var header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            var token = header.substring(7).strip();
            return token.isEmpty() ? null : token;
        }
        var apiKey = request.getHeader("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }
}
