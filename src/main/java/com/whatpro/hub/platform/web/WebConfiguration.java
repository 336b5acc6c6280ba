package com.whatpro.hub.platform.web;

import java.util.List;

import com.whatpro.hub.platform.PlatformSettings;

import io.swagger.v3.oas.annotations.Hidden;

import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.view.RedirectView;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter(PlatformSettings settings) {
        var registration = new FilterRegistrationBean<>(new RequestIdFilter(settings.web().accessLog()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** What Tomcat refuses by itself answers as a problem too ({@link ContainerProblemValve}). */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerProblems() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ContainerProblemValve.class.getName());
            }
        });
    }

    @Bean
    WebMvcRegistrations segmentFilteringHandlerMapping() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new SegmentFilteringHandlerMapping();
            }
        };
    }

    @Bean
    TrustedProxies trustedProxies(PlatformSettings settings) {
        return new TrustedProxies(settings.web().trustedProxies());
    }

    @Bean
    FilterRegistrationBean<ClientAddress> clientAddressFilter(TrustedProxies proxies) {
        var registration = new FilterRegistrationBean<>(new ClientAddress(proxies));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(PlatformSettings settings, ProblemWriter problems) {
        var registration = new FilterRegistrationBean<>(new BodySizeLimitFilter(settings, problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    FilterRegistrationBean<CanonicalPaths> canonicalPathsFilter(ProblemWriter problems) {
        var registration = new FilterRegistrationBean<>(new CanonicalPaths(problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    @Bean
    FilterRegistrationBean<DatabaseBusy> databaseBusyFilter(ProblemWriter problems, ObjectProvider<BusyPages> pages) {
        var registration = new FilterRegistrationBean<>(new DatabaseBusy(problems, pages));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }

    /**
     * Request parameters and path variables with a NUL character are refused ({@link NulCharacters}), after the
     * route guard has authenticated the caller; webhook intake is the senders' and keeps its own rules.
     */
    @Bean
    WebMvcConfigurer nulCharacterParameters(NulCharacters nulCharacters) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(nulCharacters).excludePathPatterns("/api/v1/webhooks/**").order(100);
            }
        };
    }

    /** No cross-origin access unless origins are listed; never a wildcard with credentials. */
    @Bean
    CorsConfigurationSource corsConfigurationSource(PlatformSettings settings) {
        var source = new UrlBasedCorsConfigurationSource();
        var origins = settings.web().corsAllowedOrigins();
        if (!origins.isEmpty()) {
            var cors = new CorsConfiguration();
            cors.setAllowedOrigins(origins);
            cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "If-Match", "X-Request-Id", "X-API-Key",
                    "Last-Event-ID"));
            cors.setExposedHeaders(List.of("ETag", "X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining",
                    "RateLimit-Reset", "RateLimit-Policy", "Retry-After", "Location"));
            cors.setAllowCredentials(!origins.contains("*"));
            cors.setMaxAge(3600L);
            source.registerCorsConfiguration("/api/**", cors);
        }
        return source;
    }

    @Hidden
    @RestController
    static class SwaggerRedirect {

        @GetMapping({"/swagger", "/swagger/", "/swagger/index.html"})
        RedirectView swaggerUi() {
            return new RedirectView("/swagger-ui/index.html");
        }
    }
}
