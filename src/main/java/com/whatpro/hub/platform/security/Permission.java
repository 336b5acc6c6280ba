package com.whatpro.hub.platform.security;

import org.jspecify.annotations.Nullable;

/**
 * The one permission matrix: for each {@code resource:action}, the least role that holds it in
 * an account and the API key scope that grants it (none: keys never may).
 */
public enum Permission {
    ACCOUNT_READ("accounts:read", Role.AGENT, null),
    ACCOUNT_UPDATE("accounts:update", Role.ADMIN, null),
    ACCOUNT_MANAGE("accounts:manage", Role.SUPER_ADMIN, null),
    ENTITLEMENTS_READ("entitlements:read", Role.ADMIN, null),
    ENTITLEMENTS_WRITE("entitlements:write", Role.SUPER_ADMIN, null),
    USERS_READ("users:read", Role.AGENT, "users:read"),
    USERS_WRITE("users:write", Role.ADMIN, null),
    TEAMS_READ("teams:read", Role.AGENT, "users:read"),
    TEAMS_WRITE("teams:write", Role.ADMIN, null),
    TEAM_MEMBERS_WRITE("team_members:write", Role.SUPERVISOR, null),
    API_KEYS_MANAGE("api_keys:manage", Role.ADMIN, null),
    AUDIT_READ("audit:read", Role.ADMIN, "audit:read"),
    BOARDS_READ("boards:read", Role.AGENT, "boards:read"),
    BOARDS_WRITE("boards:write", Role.ADMIN, "boards:write"),
    STAGES_WRITE("stages:write", Role.SUPERVISOR, "boards:write"),
    CARDS_READ("cards:read", Role.AGENT, "cards:read"),
    CARDS_WRITE("cards:write", Role.AGENT, "cards:write"),
    PROVIDERS_READ("providers:read", Role.AGENT, "providers:read"),
    PROVIDERS_WRITE("providers:write", Role.ADMIN, "providers:write"),
    MESSAGES_READ("messages:read", Role.AGENT, "messages:send"),
    MESSAGES_SEND("messages:send", Role.AGENT, "messages:send"),
    CHATWOOT_MANAGE("chatwoot:manage", Role.ADMIN, null),
    GATEWAY_MANAGE("gateway:manage", Role.ADMIN, null),
    WEBHOOKS_MANAGE("webhooks:manage", Role.ADMIN, null),
    AUTOMATIONS_MANAGE("automations:manage", Role.ADMIN, null);

    private final String code;
    private final Role leastRole;
    private final @Nullable String scope;

    Permission(String code, Role leastRole, @Nullable String scope) {
        this.code = code;
        this.leastRole = leastRole;
        this.scope = scope;
    }

    public String code() {
        return code;
    }

    public Role leastRole() {
        return leastRole;
    }

    public @Nullable String scope() {
        return scope;
    }

    public boolean grantedTo(Role role) {
        return role.atLeast(leastRole);
    }

    public boolean grantedToScopes(java.util.Set<String> scopes) {
        return scope != null && scopes.contains(scope);
    }
}
