package com.whatpro.hub.accounts;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.platform.ratelimit.Rate;

/**
 * The plans an account can be on, with their limits, features and the request rate of the
 * account as a whole: defined here and nowhere else. A limit of -1 means unlimited. The request
 * rate can be changed per plan in settings ({@code whatpro.rate-limits.plans.<plan>}).
 */
public final class Plans {

    public static final String DEFAULT = "standard";
    public static final long UNLIMITED = -1;
    public static final List<String> FEATURES = List.of("kanban", "api_keys", "chatwoot_sso", "audit_log");

    /** {@code requestRate}: what all of an account's users and keys together may send. */
    public record Plan(String name, Map<Limit, Long> limits, Map<String, Boolean> features, Rate requestRate) {
    }

    private static final Map<String, Plan> CATALOG = Map.of(
            "free", plan("free", 3, 1, 1, 1, 1_000, 3, false, false, 600),
            "standard", plan("standard", 10, 5, 3, 5, 10_000, 20, true, true, 3_000),
            "pro", plan("pro", 50, 20, 10, 20, 100_000, 100, true, true, 12_000),
            "enterprise", plan("enterprise", UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, true, true, 60_000));

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

    public static List<Plan> all() {
        return NAMES.stream().map(CATALOG::get).toList();
    }

    private static Plan plan(String name, long agents, long teams, long providers, long boards, long messages,
            long automations, boolean apiKeys, boolean auditLog, long requestsPerMinute) {
        var limits = new EnumMap<Limit, Long>(Limit.class);
        limits.put(Limit.AGENTS, agents);
        limits.put(Limit.TEAMS, teams);
        limits.put(Limit.PROVIDERS, providers);
        limits.put(Limit.BOARDS, boards);
        limits.put(Limit.MONTHLY_MESSAGES, messages);
        limits.put(Limit.AUTOMATIONS, automations);
        return new Plan(name, Map.copyOf(limits), Map.of("kanban", true, "api_keys", apiKeys, "chatwoot_sso", true,
                "audit_log", auditLog), Rate.of(requestsPerMinute, Duration.ofMinutes(1)));
    }
}
