package com.whatpro.hub.kanban;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.AccountId;
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
    private final Map<AccountId, Long> included = new ConcurrentHashMap<>();

    KanbanFeature(Entitlements entitlements) {
        this.entitlements = entitlements;
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

    private void ensure(AccountId account) {
        var now = System.nanoTime();
        var until = included.get(account);
        if (until != null && until - now > 0) {
            return;
        }
        entitlements.ensureFeature(account, "kanban");
        if (included.size() > 10_000) {
            included.clear();
        }
        included.put(account, now + REMEMBER.toNanos());
    }
}
