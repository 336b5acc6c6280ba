package com.whatpro.hub.platform.security;

import java.util.Optional;

import com.whatpro.hub.platform.ApiProblem;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The caller and account access of the current request. */
public final class Callers {

    public static final String ACCESS_ATTRIBUTE = AccountAccess.class.getName();

    private Callers() {
    }

    public static Optional<Caller> current() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller caller
                ? Optional.of(caller) : Optional.empty();
    }

    public static Caller required() {
        return current().orElseThrow(() -> ApiProblem.unauthorized("Authentication is required."));
    }

    public static Caller.User user() {
        if (required() instanceof Caller.User user) {
            return user;
        }
        throw ApiProblem.forbidden("This route is for signed-in users, not API keys.");
    }

    public static Optional<AccountAccess> access() {
        var attributes = RequestContextHolder.getRequestAttributes();
        var access = attributes == null ? null
                : attributes.getAttribute(ACCESS_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        return access instanceof AccountAccess value ? Optional.of(value) : Optional.empty();
    }

    public static AccountAccess requiredAccess() {
        return access().orElseThrow(() -> new IllegalStateException("no account access for this request"));
    }
}
