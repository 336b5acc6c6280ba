package com.whatpro.hub.accounts;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an account's plan (and its overrides) allows. {@link #ensureRoom} holds under
 * concurrency: it locks the account row for the rest of the creating transaction, so parallel
 * creates against one account count one after another.
 */
@Service
public class Entitlements {

    private static final TypeReference<Map<String, Object>> OVERRIDES = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Entitlements(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The limits and features in force for an account. */
    public record Effective(String plan, Map<Limit, Long> limits, Map<String, Boolean> features) {

        public boolean unlimited(Limit limit) {
            return limits.get(limit) == Plans.UNLIMITED;
        }
    }

    @Transactional(readOnly = true)
    public Effective of(AccountId account) {
        return jdbc.sql("select plan, limit_overrides::text, feature_overrides::text from accounts where id = :id")
                .param("id", account.value())
                .query((rs, n) -> effective(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional().orElseThrow(() -> ApiProblem.notFound("account"));
    }

    /**
     * Call inside the transaction that adds one more of {@code limit}, before the insert;
     * {@code current} counts what exists now, inside that same transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void ensureRoom(AccountId account, Limit limit, LongSupplier current) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("ensureRoom must run inside the creating transaction");
        }
        var row = jdbc.sql("select plan, limit_overrides::text, feature_overrides::text from accounts where id = :id for update")
                .param("id", account.value())
                .query((rs, n) -> effective(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional().orElseThrow(() -> ApiProblem.notFound("account"));
        var max = row.limits().get(limit);
        if (max == Plans.UNLIMITED) {
            return;
        }
        var used = current.getAsLong();
        if (used >= max) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "limit-exceeded", "Plan limit reached",
                    "The account's plan allows " + max + " for " + limit.key() + " and " + used + " are in use.")
                    .with("limit", limit.key()).with("max", max).with("used", used);
        }
    }

    /** Refuses a feature the account's plan does not include. */
    @Transactional(readOnly = true)
    public void ensureFeature(AccountId account, String feature) {
        if (!Boolean.TRUE.equals(of(account).features().get(feature))) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "feature-not-included", "Feature not included",
                    "The account's plan does not include " + feature + ".").with("feature", feature);
        }
    }

    private Effective effective(String plan, String limitOverrides, String featureOverrides) {
        var base = Plans.of(plan);
        var limits = new EnumMap<Limit, Long>(base.limits());
        json.readValue(limitOverrides, OVERRIDES).forEach((key, value) -> {
            for (var limit : Limit.values()) {
                if (limit.key().equals(key) && value instanceof Number number) {
                    limits.put(limit, number.longValue());
                }
            }
        });
        var features = new LinkedHashMap<>(base.features());
        json.readValue(featureOverrides, OVERRIDES).forEach((key, value) -> {
            if (value instanceof Boolean enabled) {
                features.put(key, enabled);
            }
        });
        return new Effective(plan, Map.copyOf(limits), Map.copyOf(features));
    }
}
