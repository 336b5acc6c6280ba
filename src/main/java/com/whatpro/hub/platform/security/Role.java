package com.whatpro.hub.platform.security;

import java.util.Locale;

/**
 * Roles in ascending power. The first three are held per account membership; super_admin is
 * global and above every account role.
 */
public enum Role {
    AGENT, SUPERVISOR, ADMIN, SUPER_ADMIN;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public boolean isMembershipRole() {
        return this != SUPER_ADMIN;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromJson(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
