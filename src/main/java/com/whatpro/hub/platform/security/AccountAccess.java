package com.whatpro.hub.platform.security;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/**
 * What the caller may do in the account named by the route: a user's role there (super_admin
 * counts as such), or an API key's scopes.
 */
public record AccountAccess(AccountId account, Caller caller, @Nullable Role role) {

    public boolean allows(Permission permission) {
        return switch (caller) {
            case Caller.User user -> role != null && permission.grantedTo(role);
            case Caller.ApiKey key -> permission.grantedToScopes(key.scopes());
        };
    }

    public Role roleOrAgent() {
        return role == null ? Role.AGENT : role;
    }
}
