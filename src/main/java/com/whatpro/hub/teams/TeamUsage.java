package com.whatpro.hub.teams;

import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.accounts.UsageCounter;
import com.whatpro.hub.platform.AccountId;

import org.springframework.stereotype.Component;

/** Tells the entitlements how many teams an account has. */
@Component
class TeamUsage implements UsageCounter {

    private final Teams teams;

    TeamUsage(Teams teams) {
        this.teams = teams;
    }

    @Override
    public Limit limit() {
        return Limit.TEAMS;
    }

    @Override
    public long count(AccountId account) {
        return teams.count(account);
    }
}
