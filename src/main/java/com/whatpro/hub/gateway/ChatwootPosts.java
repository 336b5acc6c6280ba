package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One post at a time per message into Chatwoot, across nodes: the check that a message is not there yet, the post and
 * the record of it run in one transaction that holds a PostgreSQL advisory lock keyed by the message. Should a job
 * run twice at the same time (its lease was lost while it worked), the second run waits for the first and then finds
 * the message posted; should a run die after posting but before recording, the next run's search finds the post.
 */
@Component
class ChatwootPosts {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    ChatwootPosts(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** Runs {@code work} (check, post, record) holding the lock of {@code message} in {@code account} until commit. */
    void once(AccountId account, String message, Runnable work) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) locked")
                    .param("key", "chatwoot-post:" + account.value() + ":" + message).query(Integer.class).single();
            work.run();
        });
    }
}
