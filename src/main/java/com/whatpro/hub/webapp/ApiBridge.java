package com.whatpro.hub.webapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import com.whatpro.hub.identity.WebSessions;
import com.whatpro.hub.platform.web.ProblemWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets the pages call the JSON API with their session cookie: a request to {@code /api/v1/**}
 * that brings no credential of its own but a web session cookie gets a short-lived bearer token
 * for that request only, so the API decides it exactly as for any client (roles, tenancy, rate
 * limits, revocation). A state-changing request must also carry the page's CSRF token in
 * {@code X-XSRF-TOKEN}; without it the cookie counts for nothing and the answer is 403.
 */
final class ApiBridge extends OncePerRequestFilter {

    static final String EMBED_HEADER = "X-Whatpro-Embed";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final WebSessions sessions;
    private final CookieCsrfTokenRepository pagesCsrf;
    private final CookieCsrfTokenRepository embedCsrf;
    private final ProblemWriter problems;
    private final boolean secureCookies;
    private final XorCsrfTokenRequestAttributeHandler csrfHandler = new XorCsrfTokenRequestAttributeHandler();

    ApiBridge(WebSessions sessions, CookieCsrfTokenRepository pagesCsrf, CookieCsrfTokenRepository embedCsrf,
            ProblemWriter problems, boolean secureCookies) {
        this.sessions = sessions;
        this.secureCookies = secureCookies;
        this.pagesCsrf = pagesCsrf;
        this.embedCsrf = embedCsrf;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/v1/") || request.getHeader("Authorization") != null
                || request.getHeader("X-API-Key") != null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var flavours = request.getHeader(EMBED_HEADER) != null
                ? List.of(WebCookies.EMBED, WebCookies.PAGES) : List.of(WebCookies.PAGES, WebCookies.EMBED);
        for (var flavour : flavours) {
            var cookie = flavour.session(request, secureCookies);
            var bearer = cookie == null ? null : sessions.bearer(cookie).orElse(null);
            if (bearer == null) {
                continue;
            }
            if (!SAFE_METHODS.contains(request.getMethod())
                    && !csrfMatches(request, flavour == WebCookies.EMBED ? embedCsrf : pagesCsrf)) {
                problems.write(request, response, ProblemWriter.problem(HttpStatus.FORBIDDEN,
                        "The request lacks this page's CSRF token; reload the page and try again."));
                return;
            }
            chain.doFilter(new WithBearer(request, bearer), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean csrfMatches(HttpServletRequest request, CookieCsrfTokenRepository repository) {
        var expected = repository.loadToken(request);
        if (expected == null) {
            return false;
        }
        var actual = csrfHandler.resolveCsrfTokenValue(request, expected);
        return actual != null && MessageDigest.isEqual(expected.getToken().getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    private static final class WithBearer extends HttpServletRequestWrapper {

        private final String authorization;

        WithBearer(HttpServletRequest request, String token) {
            super(request);
            this.authorization = "Bearer " + token;
        }

        @Override
        public @Nullable String getHeader(String name) {
            return "Authorization".equalsIgnoreCase(name) ? authorization : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Authorization".equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(authorization)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            var names = Collections.list(super.getHeaderNames());
            names.add("Authorization");
            return Collections.enumeration(names);
        }
    }
}
