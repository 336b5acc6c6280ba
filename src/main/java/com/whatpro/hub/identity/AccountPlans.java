package com.whatpro.hub.identity;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.whatpro.hub.accounts.AccountChanged;
import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.EntitlementsChanged;
import com.whatpro.hub.platform.AccountId;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Which plan an account is on (for its rate limit) and which features it includes (an API key
 * works only while {@code api_keys} is one), remembered for half a minute so a request does not
 * pay a database round trip for it. A change on this node forgets it at once; other nodes follow
 * within the half minute.
 */
@Component
class AccountPlans {

    private static final long TTL_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int MAX_ENTRIES = 50_000;

    private final Entitlements entitlements;
    private final ConcurrentHashMap<AccountId, Cached> cache = new ConcurrentHashMap<>();

    AccountPlans(Entitlements entitlements) {
        this.entitlements = entitlements;
    }

    private record Cached(String plan, Map<String, Boolean> features, long at) {
    }

    /** Call inside the account's tenant scope. */
    String of(AccountId account) {
        return cached(account).plan();
    }

    boolean includes(AccountId account, String feature) {
        return Boolean.TRUE.equals(cached(account).features().get(feature));
    }

    private Cached cached(AccountId account) {
        var now = System.nanoTime();
        var cached = cache.get(account);
        if (cached != null && now - cached.at() < TTL_NANOS) {
            return cached;
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        var effective = entitlements.of(account);
        var fresh = new Cached(effective.plan(), effective.features(), now);
        cache.put(account, fresh);
        return fresh;
    }

    @EventListener
    void on(AccountChanged changed) {
        cache.remove(changed.account());
    }

    @EventListener
    void on(EntitlementsChanged changed) {
        cache.remove(changed.account());
    }
}
