package com.whatpro.hub.accounts;

import com.whatpro.hub.platform.AccountId;

/**
 * How a module tells the accounts module how much of a limited thing an account uses (its
 * agents, teams, boards, providers), without anyone reading its tables: the module registers a
 * bean. A limit nobody counts shows 0. {@link #count} runs in the account's tenant scope.
 */
public interface UsageCounter {

    Limit limit();

    long count(AccountId account);
}
