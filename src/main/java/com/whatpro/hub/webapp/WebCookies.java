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
 * Partitioned (CHIPS). Each set has its session cookie and its CSRF cookie.
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

    String sessionName() {
        return session;
    }

    @Nullable String session(HttpServletRequest request) {
        var cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (session.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    void open(HttpServletResponse response, String value, Duration maxAge, boolean secure) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(session, value, maxAge, secure).toString());
    }

    void clear(HttpServletResponse response, boolean secure) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(session, "", Duration.ZERO, secure).toString());
    }

    CookieCsrfTokenRepository csrfRepository(boolean secure) {
        var repository = new CookieCsrfTokenRepository();
        repository.setCookieName(csrf);
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
