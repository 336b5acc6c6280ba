package com.whatpro.hub.identity;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import com.whatpro.hub.accounts.AccountChanged;
import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.EntitlementsChanged;
import com.whatpro.hub.platform.AccountId;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Which plan an account is on, for its rate limit, remembered for half a minute so a request
 * does not pay a database round trip for it. A change on this node forgets it at once; other
 * nodes follow within the half minute.
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

    private record Cached(String plan, long at) {
    }

    /** Call inside the account's tenant scope. */
    String of(AccountId account) {
        var now = System.nanoTime();
        var cached = cache.get(account);
        if (cached != null && now - cached.at() < TTL_NANOS) {
            return cached.plan();
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        var plan = entitlements.of(account).plan();
        cache.put(account, new Cached(plan, now));
        return plan;
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
