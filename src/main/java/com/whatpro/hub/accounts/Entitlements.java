package com.whatpro.hub.accounts;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an account's plan (and its overrides) allows, and how much of it is used. {@link #ensureRoom}
 * holds under concurrency: it locks the account row for the rest of the creating transaction, so
 * parallel creates against one account count one after another; the lock does not stop rows that merely
 * reference the account from being inserted meanwhile. Keep that transaction short: never call
 * another server inside it. Monthly messages are counted in
 * a row per calendar month (UTC) that {@link #recordMessages} raises atomically.
 */
@Service
public class Entitlements {

    private static final TypeReference<Map<String, Object>> OVERRIDES = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ObjectProvider<UsageCounter> counters;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Entitlements(JdbcClient jdbc, JsonMapper json, ObjectProvider<UsageCounter> counters,
            ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.counters = counters;
        this.events = events;
        this.clock = clock;
    }

    /** The limits and features in force for an account, and the overrides that differ from its plan. */
    public record Effective(String plan, Map<Limit, Long> limits, Map<String, Boolean> features, Overrides overrides) {

        public boolean unlimited(Limit limit) {
            return limits.get(limit) == Plans.UNLIMITED;
        }
    }

    /** What a super_admin set on top of the plan: limit key ({@code max_teams}) to value, feature to flag. */
    public record Overrides(Map<String, Long> limits, Map<String, Boolean> features) {
    }

    /** A super_admin's change: a plan, and/or complete new override sets (null leaves a part alone). */
    public record Change(@Nullable String plan, @Nullable Map<Limit, Long> limits, @Nullable Map<String, Boolean> features) {
    }

    @Transactional(readOnly = true)
    public Effective of(AccountId account) {
        return jdbc.sql("select plan, limit_overrides::text, feature_overrides::text from accounts where id = :id")
                .param("id", account.value())
                .query((rs, n) -> effective(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional().orElseThrow(() -> ApiProblem.notFound("account"));
    }

    /**
     * How much of each limit the account uses now: the counters other modules register, and
     * this month's messages. Runs in the account's tenant scope.
     */
    @Transactional(readOnly = true)
    public Map<Limit, Long> usage(AccountId account) {
        var usage = new EnumMap<Limit, Long>(Limit.class);
        for (var limit : Limit.values()) {
            usage.put(limit, 0L);
        }
        counters.orderedStream().forEach(counter -> usage.merge(counter.limit(), counter.count(account), Long::sum));
        usage.put(Limit.MONTHLY_MESSAGES, messagesThisMonth(account));
        return usage;
    }

    /**
     * Call inside the transaction that adds one more of {@code limit}, before the insert;
     * {@code current} counts what exists now, inside that same transaction.
     *
     * @throws ApiProblem 403 naming the limit when there is no room
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void ensureRoom(AccountId account, Limit limit, LongSupplier current) {
        var refusal = refusal(account, limit, current);
        if (refusal != null) {
            throw refusal;
        }
    }

    /** As {@link #ensureRoom}, for a caller that goes on without the addition when there is no room. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean hasRoom(AccountId account, Limit limit, LongSupplier current) {
        return refusal(account, limit, current) == null;
    }

    private @Nullable ApiProblem refusal(AccountId account, Limit limit, LongSupplier current) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("ensureRoom must run inside the creating transaction");
        }
        // FOR NO KEY UPDATE: checks of room still count one after another (they conflict with each other and with
        // changes of the plan), but inserts that merely reference the account (webhook intake's jobs, messages,
        // cards: their foreign key check takes KEY SHARE) never wait for one
        var row = jdbc.sql("select plan, limit_overrides::text, feature_overrides::text from accounts where id = :id "
                        + "for no key update")
                .param("id", account.value())
                .query((rs, n) -> effective(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional().orElseThrow(() -> ApiProblem.notFound("account"));
        var max = row.limits().get(limit);
        if (max == Plans.UNLIMITED) {
            return null;
        }
        var used = current.getAsLong();
        return used >= max ? exceeded(limit, max, used) : null;
    }

    /**
     * Counts {@code count} more messages against this calendar month's (UTC) {@code max_monthly_messages},
     * or refuses them all (403 naming the limit) when they do not fit. Atomic under concurrency
     * without locking the account: one conditional upsert. Joins the caller's transaction, so
     * a rolled-back send gives its messages back. Returns the month's total so far.
     */
    @Transactional
    public long recordMessages(AccountId account, long count) {
        if (count < 1) {
            throw new IllegalArgumentException("count at least 1 message");
        }
        var max = of(account).limits().get(Limit.MONTHLY_MESSAGES);
        if (max != Plans.UNLIMITED && count > max) {
            throw exceeded(Limit.MONTHLY_MESSAGES, max, messagesThisMonth(account));
        }
        var total = jdbc.sql("""
                insert into account_message_usage (account_id, month, messages) values (:account, :month, :count)
                on conflict (account_id, month) do update
                    set messages = account_message_usage.messages + excluded.messages, updated_at = now()
                    where :max < 0 or account_message_usage.messages + excluded.messages <= :max
                returning messages
                """)
                .param("account", account.value()).param("month", month()).param("count", count).param("max", max)
                .query(Long.class).optional();
        if (total.isEmpty()) {
            throw exceeded(Limit.MONTHLY_MESSAGES, max, messagesThisMonth(account));
        }
        return total.get();
    }

    /** Refuses a feature the account's plan does not include. */
    @Transactional(readOnly = true)
    public void ensureFeature(AccountId account, String feature) {
        if (!Boolean.TRUE.equals(of(account).features().get(feature))) {
            throw featureNotIncluded(feature);
        }
    }

    /** The 403 problem for a feature the account's plan does not include; it names the feature. */
    public static ApiProblem featureNotIncluded(String feature) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "feature-not-included", "Feature not included",
                "The account's plan does not include " + feature + ".").with("feature", feature);
    }

    /** Sets the plan and/or replaces the overrides (super_admin only; the caller checks that). */
    @Transactional
    public Effective change(AccountId account, Change change, @Nullable UUID actor) {
        var before = jdbc.sql("select plan, limit_overrides::text, feature_overrides::text from accounts where id = :id for update")
                .param("id", account.value())
                .query((rs, n) -> effective(rs.getString(1), rs.getString(2), rs.getString(3)))
                .optional().orElseThrow(() -> ApiProblem.notFound("account"));
        var plan = change.plan() == null ? before.plan() : change.plan();
        if (!Plans.exists(plan)) {
            throw ApiProblem.invalid("plan", "must be one of " + Plans.NAMES);
        }
        var limits = change.limits() == null ? before.overrides().limits() : keyed(change.limits());
        var features = change.features() == null ? before.overrides().features() : new TreeMap<>(change.features());
        var changes = new LinkedHashMap<String, Object>();
        if (!plan.equals(before.plan())) {
            changes.put("plan", List.of(before.plan(), plan));
        }
        if (!limits.equals(before.overrides().limits())) {
            changes.put("limit_overrides", List.of(before.overrides().limits(), limits));
        }
        if (!features.equals(before.overrides().features())) {
            changes.put("feature_overrides", List.of(before.overrides().features(), features));
        }
        if (!changes.isEmpty()) {
            jdbc.sql("""
                    update accounts set plan = :plan, limit_overrides = cast(:limits as jsonb),
                        feature_overrides = cast(:features as jsonb), updated_at = now()
                    where id = :id
                    """)
                    .param("plan", plan).param("limits", json.writeValueAsString(limits))
                    .param("features", json.writeValueAsString(features)).param("id", account.value())
                    .update();
            events.publishEvent(new EntitlementsChanged(account, changes, actor));
        }
        return of(account);
    }

    private long messagesThisMonth(AccountId account) {
        return jdbc.sql("select messages from account_message_usage where account_id = :account and month = :month")
                .param("account", account.value()).param("month", month())
                .query(Long.class).optional().orElse(0L);
    }

    private LocalDate month() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
    }

    private static ApiProblem exceeded(Limit limit, long max, long used) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "limit-exceeded", "Plan limit reached",
                "The account's plan allows " + max + " for " + limit.key() + " and " + used + " are in use.")
                .with("limit", limit.key()).with("max", max).with("used", used);
    }

    private static Map<String, Long> keyed(Map<Limit, Long> limits) {
        var keyed = new TreeMap<String, Long>();
        limits.forEach((limit, value) -> keyed.put(limit.key(), Objects.requireNonNull(value)));
        return keyed;
    }

    private Effective effective(String plan, String limitOverrides, String featureOverrides) {
        var base = Plans.of(plan);
        var limits = new EnumMap<Limit, Long>(base.limits());
        var limitSet = new TreeMap<String, Long>();
        json.readValue(limitOverrides, OVERRIDES).forEach((key, value) -> {
            var limit = Limit.byKey(key);
            if (limit.isPresent() && value instanceof Number number) {
                limits.put(limit.get(), number.longValue());
                limitSet.put(key, number.longValue());
            }
        });
        var features = new LinkedHashMap<>(base.features());
        var featureSet = new TreeMap<String, Boolean>();
        json.readValue(featureOverrides, OVERRIDES).forEach((key, value) -> {
            if (value instanceof Boolean enabled) {
                features.put(key, enabled);
                featureSet.put(key, enabled);
            }
        });
        return new Effective(plan, Map.copyOf(limits), Map.copyOf(features),
                new Overrides(java.util.Collections.unmodifiableMap(limitSet), java.util.Collections.unmodifiableMap(featureSet)));
    }
}
