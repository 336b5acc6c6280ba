package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.MessageStatus;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies delivery statuses from provider webhooks, which arrive late, twice and out of order: under a row lock, a
 * status is taken only when {@link MessageStatus#canMoveTo} allows (sent → delivered → read; failed), so a status
 * never goes back. A message in Chatwoot then shows its new status there ({@link ChatwootStatuses}).
 */
@Component
class StatusUpdates {

    /** A status may come before the send's answer is recorded: wait for it this many attempts, then drop it. */
    private static final int UNKNOWN_ID_ATTEMPTS = 3;

    private final Messages messages;
    private final Jobs jobs;
    private final TransactionTemplate transactions;

    StatusUpdates(Messages messages, Jobs jobs, PlatformTransactionManager transactions) {
        this.messages = messages;
        this.jobs = jobs;
        this.transactions = new TransactionTemplate(transactions);
    }

    void apply(AccountId account, JobKind.Status job, int attempt) {
        var update = job.update();
        transactions.executeWithoutResult(status -> {
            var message = messages.lockByProviderMessageId(account, job.providerId(), update.providerMessageId());
            if (message.isEmpty()) {
                if (attempt < UNKNOWN_ID_ATTEMPTS) {
                    throw new JobFailure.RetryLater("no message with provider id " + update.providerMessageId()
                            + " yet", null);
                }
                return; // a message the hub never saw (sent before it was connected)
            }
            var current = message.get().outboundStatus();
            if (current.isEmpty() || !current.get().canMoveTo(update.status())) {
                return;
            }
            messages.status(account, message.get().id(), update.status(), update.errorCode(), update.errorMessage());
            var inChatwoot = message.get().chatwootMessageId();
            if (inChatwoot != null) {
                jobs.enqueue(account, List.of(ChatwootStatuses.job(message.get().id(), inChatwoot)));
            }
        });
    }
}
