package com.whatpro.hub.kanban;

import com.whatpro.hub.accounts.AccountCreated;
import com.whatpro.hub.platform.Tenancy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/** Gives every new account its default board once the account is committed. */
@Component
class DefaultBoards {

    private static final Logger log = LoggerFactory.getLogger(DefaultBoards.class);

    private final Boards boards;
    private final TransactionTemplate transactions;

    DefaultBoards(Boards boards, PlatformTransactionManager transactionManager) {
        this.boards = boards;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    @Async
    @TransactionalEventListener
    void on(AccountCreated event) {
        var board = Tenancy.callAs(event.account(),
                () -> transactions.execute(status -> boards.ensureDefault(event.account())));
        log.debug("Account {} has default board {}", event.account(), board);
    }
}
