package com.whatpro.hub.platform.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission a route needs. On an {@code /accounts/{accountId}/...} route it is checked
 * against the caller's role or scopes in that account; elsewhere against the caller's global
 * role. A route under /api/v1 without {@code Requires}, {@link SignedIn} or {@link Public} is
 * refused: access is never granted by forgetting an annotation.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Requires {
    Permission value();
}
