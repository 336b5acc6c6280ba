package com.whatpro.hub.identity;

import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.web.ProblemWriter;

import jakarta.servlet.http.HttpServletRequest;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.core.Authentication;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Stateless HTTP security with safe headers on every response. The API authenticates with bearer
 * tokens and API keys, never with cookies, so CSRF protection has nothing to protect; the one
 * cookie (the refresh token) is SameSite=Strict and scoped to the auth routes. Who may call which
 * route is decided by {@link RouteGuard} from the permission matrix.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurity implements WebMvcConfigurer {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'";

    private final RouteGuard routeGuard;
    private final int managementPort;

    WebSecurity(RouteGuard routeGuard, @Value("${management.server.port:}") String managementPort) {
        this.routeGuard = routeGuard;
        this.managementPort = managementPort.isBlank() ? -1 : Integer.parseInt(managementPort.strip());
    }

    /** Metrics are open on a separate management port (kept off the internet); elsewhere super_admin only. */
    private boolean onManagementPort(HttpServletRequest request) {
        return managementPort > 0 && request.getLocalPort() == managementPort;
    }

    private static boolean isSuperAdmin(@Nullable Authentication authentication) {
        return authentication != null && authentication.getPrincipal() instanceof Caller.User user && user.superAdmin();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(routeGuard);
    }

    /**
     * No observation (metric, span) per security filter, authentication and authorization: they cost every request
     * a tenth of its time and say nothing the request's own {@code http.server.requests} observation does not.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** The authenticator runs inside the security chain only, not a second time as a servlet filter. */
    @Bean
    FilterRegistrationBean<Authenticator> authenticatorServletRegistration(Authenticator authenticator) {
        var registration = new FilterRegistrationBean<>(authenticator);
        registration.setEnabled(false);
        return registration;
    }

    /** Likewise the rate limits, which run right after the authenticator. */
    @Bean
    FilterRegistrationBean<RequestThrottle> throttleServletRegistration(RequestThrottle throttle) {
        var registration = new FilterRegistrationBean<>(throttle);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, Authenticator authenticator, RequestThrottle throttle,
            ProblemWriter problems) throws Exception {
        return http
                .csrf(csrf -> csrf.disable())
                .cors(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .anonymous(anonymous -> anonymous.disable())
                .addFilterBefore(authenticator, AuthorizationFilter.class)
                .addFilterAfter(throttle, Authenticator.class)
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frame -> frame.deny()))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> problems.write(request, response,
                                ProblemWriter.problem(HttpStatus.UNAUTHORIZED, "Authentication is required.")))
                        .accessDeniedHandler((request, response, e) -> problems.write(request, response,
                                ProblemWriter.problem(HttpStatus.FORBIDDEN, "You may not do this."))))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/**").access((authentication, context) ->
                                new AuthorizationDecision(onManagementPort(context.getRequest())
                                        || isSuperAdmin(authentication.get())))
                        .anyRequest().permitAll())
                .build();
    }
}
