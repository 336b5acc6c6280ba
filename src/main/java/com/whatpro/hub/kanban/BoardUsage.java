package com.whatpro.hub.kanban;

import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.accounts.UsageCounter;
import com.whatpro.hub.platform.AccountId;

import org.springframework.stereotype.Component;

/** Tells the entitlements how many boards an account has. */
@Component
class BoardUsage implements UsageCounter {

    private final Boards boards;

    BoardUsage(Boards boards) {
        this.boards = boards;
    }

    @Override
    public Limit limit() {
        return Limit.BOARDS;
    }

    @Override
    public long count(AccountId account) {
        return boards.count(account);
    }
}
