package com.whatpro.hub.webapp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;

/**
 * The web app speaks Brazilian Portuguese (the default) and English: the language the person
 * chose (a cookie), else the browser's {@code Accept-Language}, else pt-BR. Outside {@code /app}
 * nothing changes for API clients without that cookie.
 */
@Configuration(proxyBeanMethods = false)
class WebLocales {

    static final Locale PORTUGUESE = Locale.forLanguageTag("pt-BR");
    static final List<Locale> SUPPORTED = List.of(PORTUGUESE, Locale.ENGLISH);
    static final String COOKIE = "whatpro_lang";

    @Bean
    LocaleResolver localeResolver() {
        var resolver = new CookieLocaleResolver(COOKIE);
        resolver.setCookieMaxAge(Duration.ofDays(365));
        resolver.setCookieHttpOnly(true);
        resolver.setCookieSameSite("Lax");
        resolver.setDefaultLocaleFunction(WebLocales::fromBrowser);
        return resolver;
    }

    /** Pages default to pt-BR; the JSON API keeps the servlet's own choice (Accept-Language, else the JVM's). */
    static Locale fromBrowser(HttpServletRequest request) {
        return WebAppSecurity.PAGES.matches(request) ? of(request.getHeader("Accept-Language")) : request.getLocale();
    }

    static Locale of(@Nullable String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return PORTUGUESE;
        }
        try {
            for (var range : Locale.LanguageRange.parse(acceptLanguage)) {
                var language = range.getRange().split("-")[0];
                if (language.equals("pt")) {
                    return PORTUGUESE;
                }
                if (language.equals("en")) {
                    return Locale.ENGLISH;
                }
            }
        } catch (IllegalArgumentException e) {
            return PORTUGUESE;
        }
        return PORTUGUESE;
    }

    /** One of the supported locales for a language the person picked. */
    static Locale supported(@Nullable String tag) {
        return tag != null && tag.toLowerCase(Locale.ROOT).startsWith("en") ? Locale.ENGLISH : PORTUGUESE;
    }
}
