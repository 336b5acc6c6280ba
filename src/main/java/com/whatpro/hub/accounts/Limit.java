package com.whatpro.hub.accounts;

import java.util.Locale;

/** A countable thing a plan limits. */
public enum Limit {
    AGENTS, TEAMS, PROVIDERS, BOARDS, MONTHLY_MESSAGES;

    /** The name used in JSON and in problems: {@code max_agents}. */
    public String key() {
        return "max_" + name().toLowerCase(Locale.ROOT);
    }
}
