package com.whatpro.hub.identity;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Public;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.security.SignedIn;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Decides every /api/v1 route from its annotation and the permission matrix: {@link Public},
 * {@link SignedIn}, or {@link Requires}. A route with none of them is refused.
 */
@Component
class RouteGuard implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(RouteGuard.class);

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || !request.getRequestURI().startsWith("/api/")) {
            return true;
        }
        if (annotated(method, Public.class)) {
            return true;
        }
        var caller = Callers.current().orElseThrow(() -> ApiProblem.unauthorized(
                request.getAttribute(Authenticator.CREDENTIAL_REFUSED) != null
                        ? "The credential is invalid, expired or revoked." : "Authentication is required."));
        if (annotated(method, SignedIn.class)) {
            return true;
        }
        var requires = method.getMethodAnnotation(Requires.class);
        if (requires == null) {
            requires = method.getBeanType().getAnnotation(Requires.class);
        }
        if (requires == null) {
            log.error("Route {} declares no access rule; refusing it", method.getShortLogMessage());
            throw ApiProblem.forbidden("This route is not open to anyone.");
        }
        var permission = requires.value();
        var access = Callers.access();
        var allowed = access.isPresent()
                ? access.get().allows(permission)
                : caller instanceof Caller.User user && user.superAdmin() && permission.grantedTo(Role.SUPER_ADMIN);
        if (!allowed) {
            throw ApiProblem.forbidden(caller instanceof Caller.ApiKey
                    ? "This API key lacks the scope for this route" + (permission.scope() == null ? "." : ": " + permission.scope() + ".")
                    : "Your role does not allow this.");
        }
        return true;
    }

    private static boolean annotated(HandlerMethod method, Class<? extends java.lang.annotation.Annotation> type) {
        return method.hasMethodAnnotation(type) || method.getBeanType().isAnnotationPresent(type);
    }
}
