package com.whatpro.hub.identity;

import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.accounts.UsageCounter;
import com.whatpro.hub.platform.AccountId;

import org.springframework.stereotype.Component;

/** Tells the entitlements how many members (of any role) an account has: what max_agents counts. */
@Component
class AgentUsage implements UsageCounter {

    private final Memberships memberships;

    AgentUsage(Memberships memberships) {
        this.memberships = memberships;
    }

    @Override
    public Limit limit() {
        return Limit.AGENTS;
    }

    @Override
    public long count(AccountId account) {
        return memberships.count(account);
    }
}
