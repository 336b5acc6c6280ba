package com.whatpro.hub.identity;

import java.util.Map;

import com.whatpro.hub.accounts.Plans;
import com.whatpro.hub.platform.ratelimit.Rate;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The rate-limit layers, each written {@code requests/period} ({@code 600/1m}):
 * <ul>
 * <li>{@code anonymous}: per client IP, for every sign-in, SSO and refresh, API or web form,
 * whatever credential it carries, and for requests without a valid credential (bad tokens);
 * provider webhooks are exempt;</li>
 * <li>{@code failedLogins}: per target email, failed password sign-ins (a good one costs nothing);</li>
 * <li>{@code memberAdds}: per account, users added by e-mail, new or existing (an add tells whether the address is a
 * user's);</li>
 * <li>{@code roles}: per signed-in user, by their role in the account of the route;</li>
 * <li>{@code apiKey}: per API key;</li>
 * <li>{@code plans}: per account, all its users and keys together; by default the plan's own
 * rate from the plan catalog.</li>
 * </ul>
 */
@ConfigurationProperties("whatpro.rate-limits")
record RateLimitSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("120/1m") Rate anonymous,
        @DefaultValue("5/15m") Rate failedLogins,
        @DefaultValue("100/1h") Rate memberAdds,
        @DefaultValue("1200/1m") Rate apiKey,
        @DefaultValue Roles roles,
        @Nullable Map<String, String> plans) {

    /** Plan rates may be left blank (the environment maps every plan): blank means the catalog's. */
    RateLimitSettings {
        var parsed = new java.util.HashMap<String, String>();
        if (plans != null) {
            plans.forEach((plan, rate) -> {
                if (rate != null && !rate.isBlank()) {
                    Rate.valueOf(rate);
                    parsed.put(plan, rate.strip());
                }
            });
        }
        plans = Map.copyOf(parsed);
    }

    record Roles(
            @DefaultValue("600/1m") Rate agent,
            @DefaultValue("900/1m") Rate supervisor,
            @DefaultValue("1200/1m") Rate admin,
            @DefaultValue("3000/1m") Rate superAdmin) {

        Rate of(Role role) {
            return switch (role) {
                case AGENT -> agent;
                case SUPERVISOR -> supervisor;
                case ADMIN -> admin;
                case SUPER_ADMIN -> superAdmin;
            };
        }
    }

    /** An account's rate: the setting for its plan, else the plan catalog's. */
    Rate plan(String plan) {
        var configured = plans.get(plan);
        if (configured != null) {
            return Rate.valueOf(configured);
        }
        return Plans.of(Plans.exists(plan) ? plan : Plans.DEFAULT).requestRate();
    }
}
