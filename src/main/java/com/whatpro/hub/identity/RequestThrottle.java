package com.whatpro.hub.identity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.whatpro.hub.accounts.Plans;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.ratelimit.Rate;
import com.whatpro.hub.platform.ratelimit.RateLimiter;
import com.whatpro.hub.platform.ratelimit.Verdict;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.web.ClientAddress;
import com.whatpro.hub.platform.web.ProblemWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The layered rate limits of the API, right after {@link Authenticator} so the caller is known:
 * a request without a valid credential counts against its client IP (provider webhooks
 * excepted: they carry their own signature and must never be dropped for a busy IP); a
 * signed-in user against their own bucket, sized by their role in the route's account; an API
 * key against its own; and on an account's routes every caller (but a super_admin) also against
 * the account's bucket, sized by its plan. So a user behind a busy NAT is never blocked by
 * strangers. The sign-in routes ({@link #SIGN_IN_ROUTES}) count against the client IP whatever
 * credential they carry: they ignore it, so it must not move their cost to a bigger bucket. The
 * web app's sign-in forms, which this filter does not see, are charged to the same bucket through
 * {@link #chargeAddress}. Every answer carries {@code RateLimit-*} headers for the tightest layer; a
 * refusal is a 429 problem with {@code Retry-After}.
 */
@Component
class RequestThrottle extends OncePerRequestFilter {

    static final String WEBHOOKS = "/api/v1/webhooks/";

    /** The API's routes that check a password, a Chatwoot token or a refresh token to open or renew a session. */
    static final Set<String> SIGN_IN_ROUTES = Set.of("/api/v1/auth/login", "/api/v1/auth/sso", "/api/v1/auth/refresh");

    private static final String ADDRESS_SCOPE = "ip";

    private final RateLimiter limiter;
    private final RateLimitSettings settings;
    private final AccountPlans plans;
    private final ProblemWriter problems;
    private final Map<String, Rate> planRates;

    RequestThrottle(RateLimiter limiter, RateLimitSettings settings, AccountPlans plans, ProblemWriter problems) {
        this.limiter = limiter;
        this.settings = settings;
        this.plans = plans;
        this.problems = problems;
        this.planRates = Plans.NAMES.stream().collect(Collectors.toUnmodifiableMap(plan -> plan, settings::plan));
    }

    private record Layer(String scope, String key, Rate rate) {
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // the decoded path, as routing matches it: /%61pi/v1/auth/login reaches the sign-in route too
        return !settings.enabled() || !decodedPath(request).startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (admit(request, response)) {
            chain.doFilter(request, response);
        }
    }

    /**
     * Charges the request to its layers and sets the headers; false when it was refused (the
     * 429 is written then).
     */
    boolean admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (shouldNotFilter(request)) {
            return true;
        }
        var layers = layers(request);
        if (layers.isEmpty()) {
            return true;
        }
        // every layer in one round trip to Redis, in order, stopping at the first refusal
        var verdicts = limiter.consume(layers.stream().map(layer -> new RateLimiter.Layer(layer.key(), layer.rate()))
                .toList());
        Verdict tightest = null;
        String refusedBy = null;
        for (int i = 0; i < verdicts.size(); i++) {
            var verdict = verdicts.get(i);
            tightest = tightest == null ? verdict : tightest.tighter(verdict);
            if (!verdict.allowed()) {
                refusedBy = layers.get(i).scope();
                tightest = verdict;
                break;
            }
        }
        if (tightest == null) {
            return true;
        }
        response.setHeader("RateLimit-Limit", Long.toString(tightest.limit()));
        response.setHeader("RateLimit-Remaining", Long.toString(tightest.remaining()));
        response.setHeader("RateLimit-Reset", Long.toString(tightest.resetSeconds()));
        response.setHeader("RateLimit-Policy", tightest.limit() + ";w=" + tightest.rate().per().toSeconds());
        if (refusedBy == null) {
            return true;
        }
        problems.write(request, response, ApiProblem.tooManyRequests(
                        "Too many requests for this " + refusedBy.replace('_', ' ') + "; retry after "
                                + tightest.retryAfterSeconds() + " s.", tightest.retryAfterSeconds())
                .with("scope", refusedBy).with("limit", tightest.rate().toString()));
        return false;
    }

    /**
     * Charges a sign-in that does not pass through this filter (the web app's forms) to its client IP's bucket, the
     * one the API's sign-in routes and every request without a credential count against: the refusal, if the
     * bucket is empty; nothing when rate limits are off.
     */
    Optional<Verdict> chargeAddress(HttpServletRequest request) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        var address = address(request);
        var verdict = limiter.consume(address.key(), address.rate());
        return verdict.allowed() ? Optional.empty() : Optional.of(verdict);
    }

    private Layer address(HttpServletRequest request) {
        return new Layer(ADDRESS_SCOPE, "ip:" + ClientAddress.bucketOf(ClientAddress.of(request)), settings.anonymous());
    }

    /**
     * The path as routing sees it, decoded and normalised: Spring MVC matches {@code /%61pi/v1/auth/%6cogin} to the
     * sign-in route, so no spelling of a path may escape the limits that the path decides.
     */
    private static String decodedPath(HttpServletRequest request) {
        var pathInfo = request.getPathInfo();
        return pathInfo == null ? request.getServletPath() : request.getServletPath() + pathInfo;
    }

    private List<Layer> layers(HttpServletRequest request) {
        var layers = new ArrayList<Layer>(2);
        if (SIGN_IN_ROUTES.contains(decodedPath(request))) {
            layers.add(address(request));
            return layers;
        }
        var caller = Callers.current();
        if (caller.isEmpty()) {
            if (!decodedPath(request).startsWith(WEBHOOKS)) {
                layers.add(address(request));
            }
            return layers;
        }
        var access = Callers.access();
        switch (caller.get()) {
            case Caller.User user -> {
                var role = user.superAdmin() ? Role.SUPER_ADMIN
                        : access.map(AccountAccess::role).orElse(Role.AGENT);
                layers.add(new Layer("user", "user:" + user.userId() + ":" + role.json(), settings.roles().of(role)));
            }
            case Caller.ApiKey key -> layers.add(new Layer("api_key", "key:" + key.keyId(), settings.apiKey()));
        }
        var superAdmin = caller.get() instanceof Caller.User user && user.superAdmin();
        if (access.isPresent() && !superAdmin) {
            var account = access.get().account();
            var plan = plans.of(account);
            var rate = planRates.get(plan);
            layers.add(new Layer("account", "account:" + account, rate != null ? rate : settings.plan(plan)));
        }
        return layers;
    }

}
