package com.whatpro.hub.webapp;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import com.whatpro.hub.identity.WebSessions;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the web session of a page request (fresh from the sessions table, so a revoked session
 * ends here at once) and sends anyone without one to the sign-in page. It also makes sure the
 * CSRF cookie is written before a page starts streaming.
 */
final class SignedIn extends OncePerRequestFilter {

    private static final String USER = SignedIn.class.getName() + ".user";
    private static final Set<String> OPEN_PAGES = Set.of("/", "/app/login", "/app/login/chatwoot", "/app/lang");

    private final WebSessions sessions;
    private final WebCookies cookies;
    private final boolean secureCookies;

    SignedIn(WebSessions sessions, WebCookies cookies, boolean secureCookies) {
        this.sessions = sessions;
        this.cookies = cookies;
        this.secureCookies = secureCookies;
    }

    static Optional<WebSessions.WebUser> user(HttpServletRequest request) {
        return Optional.ofNullable((WebSessions.WebUser) request.getAttribute(USER));
    }

    static WebSessions.WebUser required(HttpServletRequest request) {
        return user(request).orElseThrow(() -> new IllegalStateException("no web session on " + request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var cookie = cookies.session(request, secureCookies);
        var user = cookie == null ? Optional.<WebSessions.WebUser>empty() : sessions.user(cookie);
        if (cookie != null && user.isEmpty()) {
            cookies.clear(response, secureCookies);
        }
        user.ifPresent(signedIn -> request.setAttribute(USER, signedIn));
        if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
            token.getToken();
        }
        if (user.isEmpty() && cookies == WebCookies.PAGES && !OPEN_PAGES.contains(request.getRequestURI())) {
            if ("GET".equals(request.getMethod()) && !Htmx.isRequest(request)) {
                response.sendRedirect("/app/login?next=" + URLEncoder.encode(pathWithQuery(request), StandardCharsets.UTF_8));
            } else {
                Htmx.redirect(request, response, "/app/login?error=expired");
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private static String pathWithQuery(HttpServletRequest request) {
        var query = request.getQueryString();
        return request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    /** The redirect to {@link #safeNext}; braces encoded, since a redirect view reads them as URI template variables. */
    static String redirectToNext(@Nullable String next) {
        return "redirect:" + safeNext(next).replace("{", "%7B").replace("}", "%7D");
    }

    /** Only a path inside the web app: never another host or scheme. */
    static String safeNext(@Nullable String next) {
        if (next == null || !next.startsWith("/app") || next.startsWith("//") || next.contains("\\")
                || next.contains("\r") || next.contains("\n") || next.length() > 500) {
            return "/app";
        }
        return next;
    }
}
