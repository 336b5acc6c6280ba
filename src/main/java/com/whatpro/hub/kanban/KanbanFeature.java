package com.whatpro.hub.kanban;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.security.Callers;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Kanban routes answer only for accounts whose plan includes the {@code kanban} feature. */
@Configuration(proxyBeanMethods = false)
class KanbanFeature implements WebMvcConfigurer, HandlerInterceptor {

    private final Entitlements entitlements;

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
        Callers.access().ifPresent(access -> entitlements.ensureFeature(access.account(), "kanban"));
        return true;
    }
}
