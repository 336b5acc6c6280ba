package com.whatpro.hub.accounts;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The plans an account can be on, with their limits and features: defined here and nowhere
 * else. A limit of -1 means unlimited.
 */
public final class Plans {

    public static final String DEFAULT = "standard";
    public static final long UNLIMITED = -1;
    public static final List<String> FEATURES = List.of("kanban", "api_keys", "chatwoot_sso", "audit_log");

    public record Plan(String name, Map<Limit, Long> limits, Map<String, Boolean> features) {
    }

    private static final Map<String, Plan> CATALOG = Map.of(
            "free", plan("free", 3, 1, 1, 1, 1_000, false, false),
            "standard", plan("standard", 10, 5, 3, 5, 10_000, true, true),
            "pro", plan("pro", 50, 20, 10, 20, 100_000, true, true),
            "enterprise", plan("enterprise", UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, true, true));

    public static final List<String> NAMES = List.of("free", "standard", "pro", "enterprise");

    private Plans() {
    }

    public static boolean exists(String plan) {
        return CATALOG.containsKey(plan);
    }

    public static Plan of(String plan) {
        var found = CATALOG.get(plan);
        if (found == null) {
            throw new IllegalArgumentException("unknown plan " + plan);
        }
        return found;
    }

    private static Plan plan(String name, long agents, long teams, long providers, long boards, long messages,
            boolean apiKeys, boolean auditLog) {
        var limits = new EnumMap<Limit, Long>(Limit.class);
        limits.put(Limit.AGENTS, agents);
        limits.put(Limit.TEAMS, teams);
        limits.put(Limit.PROVIDERS, providers);
        limits.put(Limit.BOARDS, boards);
        limits.put(Limit.MONTHLY_MESSAGES, messages);
        return new Plan(name, Map.copyOf(limits), Map.of("kanban", true, "api_keys", apiKeys, "chatwoot_sso", true,
                "audit_log", auditLog));
    }
}
