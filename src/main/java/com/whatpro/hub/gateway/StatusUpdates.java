package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.MessageStatus;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
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

    /**
     * A status may come before its message is recorded (the send's answer, or a message sent from the phone, which
     * waits {@link GatewaySettings#echoGrace()} first): wait for it this many attempts, about 30 s with the default
     * backoff, then drop it.
     */
    private static final int UNKNOWN_ID_ATTEMPTS = 5;

    private final Messages messages;
    private final Jobs jobs;
    private final TransactionTemplate transactions;
    private final int unknownIdAttempts;
    private final ApplicationEventPublisher events;

    StatusUpdates(Messages messages, Jobs jobs, PlatformTransactionManager transactions, GatewaySettings settings,
            ApplicationEventPublisher events) {
        this.messages = messages;
        this.jobs = jobs;
        this.transactions = new TransactionTemplate(transactions);
        this.unknownIdAttempts = Math.min(UNKNOWN_ID_ATTEMPTS, settings.worker().maxAttempts());
        this.events = events;
    }

    void apply(AccountId account, JobKind.Status job, int attempt) {
        var update = job.update();
        transactions.executeWithoutResult(status -> {
            var message = messages.lockByProviderMessageId(account, job.providerId(), update.providerMessageId());
            if (message.isEmpty()) {
                if (attempt < unknownIdAttempts) {
                    throw new JobFailure.RetryLater("no message with provider id " + update.providerMessageId()
                            + " yet", null);
                }
                return; // a message the hub never saw (sent before it was connected)
            }
            var current = message.get().outboundStatus();
            if (current.isEmpty() || !current.get().canMoveTo(update.status())) {
                return;
            }
            var outsideWindow = ServiceWindows.OUTSIDE_WINDOW_CODE.equals(update.errorCode());
            messages.status(account, message.get().id(), update.status(),
                    outsideWindow ? ServiceWindows.OUTSIDE_WINDOW : update.errorCode(),
                    outsideWindow ? ServiceWindows.explanation() : update.errorMessage());
            events.publishEvent(new MessageStatusChanged(account, message.get().id(), job.providerId(),
                    update.providerMessageId(), update.status().jsonName(), message.get().status(),
                    outsideWindow ? ServiceWindows.OUTSIDE_WINDOW : update.errorCode(),
                    message.get().chatwootConversationId(), Instant.now()));
            var inChatwoot = message.get().chatwootMessageId();
            if (inChatwoot != null) {
                jobs.enqueue(account, List.of(ChatwootStatuses.job(message.get().id(), inChatwoot)));
            }
            var conversation = message.get().chatwootConversationId();
            if (outsideWindow && conversation != null && message.get().origin() == Messages.Origin.CHATWOOT) {
                jobs.enqueue(account, List.of(ChatwootNotes.job(conversation,
                        "Not sent on WhatsApp: " + ServiceWindows.explanation())));
            }
        });
    }
}
