package com.whatpro.hub.kanban;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.platform.security.Callers;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Kanban routes answer only for accounts whose plan includes the {@code kanban} feature. A
 * positive answer is remembered for a few seconds per node, so the check costs no query on a
 * busy board; switching the feature off takes effect within that time.
 */
@Configuration(proxyBeanMethods = false)
class KanbanFeature implements WebMvcConfigurer, HandlerInterceptor {

    static final Duration REMEMBER = Duration.ofSeconds(10);

    private final Entitlements entitlements;
    private final ExpiringCache<AccountId, Boolean> included;

    KanbanFeature(Entitlements entitlements, Clock clock) {
        this.entitlements = entitlements;
        this.included = new ExpiringCache<>(REMEMBER, 10_000, clock);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/v1/accounts/*/boards", "/api/v1/accounts/*/boards/**",
                "/api/v1/accounts/*/cards/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            return true;
        }
        Callers.access().ifPresent(access -> ensure(access.account()));
        return true;
    }

    /** Throws when the plan lacks the feature; only a positive answer is remembered. */
    private void ensure(AccountId account) {
        included.get(account, id -> {
            entitlements.ensureFeature(id, "kanban");
            return Optional.of(Boolean.TRUE);
        });
    }
}
