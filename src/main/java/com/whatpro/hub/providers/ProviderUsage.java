package com.whatpro.hub.providers;

import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.accounts.UsageCounter;
import com.whatpro.hub.platform.AccountId;
import org.springframework.stereotype.Component;

/** Tells the entitlements how many providers an account has. */
@Component
class ProviderUsage implements UsageCounter {

    private final Providers providers;

    ProviderUsage(Providers providers) {
        this.providers = providers;
    }

    @Override
    public Limit limit() {
        return Limit.PROVIDERS;
    }

    @Override
    public long count(AccountId account) {
        return providers.count(account);
    }
}
