package com.whatpro.hub.platform.security;

import java.util.Set;

/** The scopes an API key may carry (API.md). */
public final class Scopes {

    public static final Set<String> ALL = Set.of("boards:read", "boards:write", "cards:read", "cards:write",
            "providers:read", "providers:write", "messages:send", "users:read", "audit:read");

    private Scopes() {
    }
}
