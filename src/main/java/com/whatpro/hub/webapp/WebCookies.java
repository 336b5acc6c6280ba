package com.whatpro.hub.webapp;

import java.time.Duration;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;

/**
 * The two sets of cookies the web app uses: the top-level pages' (SameSite=Lax) and the Chatwoot
 * Dashboard App's, which lives in a cross-site frame and so needs SameSite=None, Secure and
 * Partitioned (CHIPS). Each set has its session cookie and its CSRF cookie. Secure cookies carry the {@code __Host-}
 * prefix, so a browser takes them only from this host over HTTPS: a sibling subdomain cannot plant a session or a CSRF
 * token of its choosing. Without Secure (local HTTP only) browsers refuse the prefix, so the names go without it.
 */
enum WebCookies {

    PAGES("whatpro_session", "whatpro_xsrf", false),
    EMBED("whatpro_embed_session", "whatpro_embed_xsrf", true);

    private final String session;
    private final String csrf;
    private final boolean crossSite;

    WebCookies(String session, String csrf, boolean crossSite) {
        this.session = session;
        this.csrf = csrf;
        this.crossSite = crossSite;
    }

    private static final String HOST_ONLY = "__Host-";

    private String sessionName(boolean secure) {
        return named(session, secure);
    }

    private static String named(String name, boolean secure) {
        return secure ? HOST_ONLY + name : name;
    }

    @Nullable String session(HttpServletRequest request, boolean secure) {
        var cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        var name = sessionName(secure);
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    void open(HttpServletResponse response, String value, Duration maxAge, boolean secure) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(sessionName(secure), value, maxAge, secure).toString());
    }

    void clear(HttpServletResponse response, boolean secure) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(sessionName(secure), "", Duration.ZERO, secure).toString());
    }

    CookieCsrfTokenRepository csrfRepository(boolean secure) {
        var repository = new CookieCsrfTokenRepository();
        repository.setCookieName(named(csrf, secure));
        repository.setCookiePath("/");
        repository.setCookieCustomizer(cookie -> {
            cookie.httpOnly(true).secure(secure);
            if (crossSite && secure) {
                cookie.sameSite("None").partitioned(true);
            } else {
                cookie.sameSite("Lax");
            }
        });
        return repository;
    }

    private ResponseCookie cookie(String name, String value, Duration maxAge, boolean secure) {
        var builder = ResponseCookie.from(name, value).httpOnly(true).secure(secure).path("/").maxAge(maxAge);
        if (crossSite && secure) {
            builder.sameSite("None").partitioned(true);
        } else {
            builder.sameSite("Lax");
        }
        return builder.build();
    }
}
