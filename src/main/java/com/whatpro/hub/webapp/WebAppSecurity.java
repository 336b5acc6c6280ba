package com.whatpro.hub.webapp;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;

import java.net.URI;

import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.identity.WebSessions;
import com.whatpro.hub.platform.web.ProblemWriter;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Security of the web app's pages, ahead of the API's chain: a strict CSP without inline scripts,
 * CSRF tokens on every state-changing request, no framing but the Dashboard App page's, which only
 * the Chatwoot installation's origin may frame.
 */
@Configuration(proxyBeanMethods = false)
class WebAppSecurity {

    /** The addresses of the web app's pages, the Dashboard App's among them. */
    static final RequestMatcher PAGES =
            new OrRequestMatcher(pathPattern("/"), pathPattern("/app"), pathPattern("/app/**"));

    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors ";

    private final boolean secureCookies;
    private final CookieCsrfTokenRepository pagesCsrf;
    private final CookieCsrfTokenRepository embedCsrf;

    WebAppSecurity(@Value("${whatpro.identity.secure-cookie:true}") boolean secureCookies) {
        this.secureCookies = secureCookies;
        this.pagesCsrf = WebCookies.PAGES.csrfRepository(secureCookies);
        this.embedCsrf = WebCookies.EMBED.csrfRepository(secureCookies);
    }

    /** The origin allowed to frame {@code /app/embed}, from {@code WHATPRO_CHATWOOT_URL}; null when unset. */
    static @Nullable String chatwootOrigin(ChatwootSettings settings) {
        var url = settings.url();
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return null;
        }
        return origin(url);
    }

    private static String origin(URI url) {
        var port = url.getPort();
        return url.getScheme().toLowerCase() + "://" + url.getHost().toLowerCase() + (port == -1 ? "" : ":" + port);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain embedChain(HttpSecurity http, WebSessions sessions, ChatwootSettings chatwoot) throws Exception {
        var origin = chatwootOrigin(chatwoot);
        return http
                .securityMatcher("/app/embed", "/app/embed/**")
                .csrf(csrf -> csrf.csrfTokenRepository(embedCsrf))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .addFilterAfter(new SignedIn(sessions, WebCookies.EMBED, secureCookies), CsrfFilter.class)
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(PAGE_POLICY + (origin == null ? "'none'" : origin)))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.disable()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 11)
    SecurityFilterChain pagesChain(HttpSecurity http, WebSessions sessions) throws Exception {
        return http
                .securityMatcher(PAGES)
                .csrf(csrf -> csrf.csrfTokenRepository(pagesCsrf))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .addFilterAfter(new SignedIn(sessions, WebCookies.PAGES, secureCookies), CsrfFilter.class)
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        Htmx.redirect(request, response, "/app/login?error=expired")))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(PAGE_POLICY + "'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    /** In front of Spring Security, so the API's own authenticator sees the bearer token. */
    @Bean
    FilterRegistrationBean<ApiBridge> webApiBridge(WebSessions sessions, ProblemWriter problems) {
        var registration = new FilterRegistrationBean<>(new ApiBridge(sessions, pagesCsrf, embedCsrf, problems, secureCookies));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/api/v1/*");
        return registration;
    }
}
