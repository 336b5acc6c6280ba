package com.whatpro.hub.accounts;

import java.util.Locale;

/** A countable thing a plan limits. */
public enum Limit {
    AGENTS, TEAMS, PROVIDERS, BOARDS, MONTHLY_MESSAGES, AUTOMATIONS;

    /** The name used in JSON and in problems: {@code max_agents}. */
    public String key() {
        return "max_" + name().toLowerCase(Locale.ROOT);
    }

    /** The name of its usage in JSON: {@code agents}. */
    public String usageKey() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<Limit> byKey(String key) {
        for (var limit : values()) {
            if (limit.key().equals(key)) {
                return java.util.Optional.of(limit);
            }
        }
        return java.util.Optional.empty();
    }
}
