package com.whatpro.hub.accounts;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/entitlements")
@Tag(name = "Accounts")
class EntitlementsController {

    private final Entitlements entitlements;

    EntitlementsController(Entitlements entitlements) {
        this.entitlements = entitlements;
    }

    /** Limits of -1 are unlimited; {@code overrides} are what a super_admin set on top of the plan. */
    record EntitlementsView(String plan, Map<String, Long> limits, Map<String, Boolean> features,
            Map<String, Long> usage, OverridesView overrides) {
    }

    record OverridesView(Map<String, Long> limits, Map<String, Boolean> features) {
    }

    /**
     * {@code plan} sets the plan; {@code limits} ({@code max_*} → number, -1 unlimited) and
     * {@code features} (name → true/false), when given, replace the account's overrides
     * entirely ({@code {}} clears them). A field left out stays as it is.
     */
    record ChangeEntitlements(@Nullable String plan, @Nullable Map<String, @Nullable Object> limits,
            @Nullable Map<String, @Nullable Object> features) {
    }

    @GetMapping
    @Requires(Permission.ENTITLEMENTS_READ)
    @Operation(summary = "The account's plan, limits (-1: unlimited), features and current usage")
    EntitlementsView get(@PathVariable long accountId) {
        var account = Callers.requiredAccess().account();
        return view(entitlements.of(account), entitlements.usage(account));
    }

    @PutMapping
    @Requires(Permission.ENTITLEMENTS_WRITE)
    @Operation(summary = "Set the plan and/or replace the limit and feature overrides (super_admin)")
    EntitlementsView put(@PathVariable long accountId, @RequestBody ChangeEntitlements request) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        if (request.plan() != null && !Plans.exists(request.plan())) {
            errors.add(new ApiProblem.FieldError("plan", "must be one of " + Plans.NAMES));
        }
        var limits = request.limits() == null ? null : limits(request.limits(), errors);
        var features = request.features() == null ? null : features(request.features(), errors);
        if (request.plan() == null && request.limits() == null && request.features() == null) {
            errors.add(new ApiProblem.FieldError("plan", "give a plan, limits or features"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid input",
                    "The request has invalid fields.", errors, Map.of());
        }
        var access = Callers.requiredAccess();
        var changed = entitlements.change(access.account(), new Entitlements.Change(request.plan(), limits, features),
                access.caller().id());
        return view(changed, entitlements.usage(access.account()));
    }

    private static Map<Limit, Long> limits(Map<String, @Nullable Object> given, List<ApiProblem.FieldError> errors) {
        var limits = new EnumMap<Limit, Long>(Limit.class);
        given.forEach((key, value) -> {
            var field = "limits." + key;
            var limit = Limit.byKey(key);
            if (limit.isEmpty()) {
                errors.add(new ApiProblem.FieldError(field, "is not a limit; limits are "
                        + java.util.Arrays.stream(Limit.values()).map(Limit::key).toList()));
                return;
            }
            var number = wholeNumber(value);
            if (number == null || number < Plans.UNLIMITED) {
                errors.add(new ApiProblem.FieldError(field, "must be a whole number, 0 or more, or -1 for unlimited"));
                return;
            }
            limits.put(limit.get(), number);
        });
        return limits;
    }

    private static Map<String, Boolean> features(Map<String, @Nullable Object> given, List<ApiProblem.FieldError> errors) {
        var features = new TreeMap<String, Boolean>();
        given.forEach((key, value) -> {
            var field = "features." + key;
            if (!Plans.FEATURES.contains(key)) {
                errors.add(new ApiProblem.FieldError(field, "is not a feature; features are " + Plans.FEATURES));
            } else if (!(value instanceof Boolean flag)) {
                errors.add(new ApiProblem.FieldError(field, "must be true or false"));
            } else {
                features.put(key, flag);
            }
        });
        return features;
    }

    private static @Nullable Long wholeNumber(@Nullable Object value) {
        return switch (value) {
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case BigInteger big when big.bitLength() < 63 -> big.longValue();
            case BigDecimal decimal when decimal.stripTrailingZeros().scale() <= 0 -> {
                try {
                    yield decimal.longValueExact();
                } catch (ArithmeticException e) {
                    yield null;
                }
            }
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> d.longValue();
            case null, default -> null;
        };
    }

    private static EntitlementsView view(Entitlements.Effective effective, Map<Limit, Long> usage) {
        var limits = new LinkedHashMap<String, Long>();
        var used = new LinkedHashMap<String, Long>();
        for (var limit : Limit.values()) {
            limits.put(limit.key(), effective.limits().get(limit));
            used.put(limit.usageKey(), usage.getOrDefault(limit, 0L));
        }
        var features = new LinkedHashMap<String, Boolean>();
        Plans.FEATURES.forEach(feature -> features.put(feature, Boolean.TRUE.equals(effective.features().get(feature))));
        return new EntitlementsView(effective.plan(), limits, features, used,
                new OverridesView(effective.overrides().limits(), effective.overrides().features()));
    }
}
