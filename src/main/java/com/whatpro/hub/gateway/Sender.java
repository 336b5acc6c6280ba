package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.MessageStatus;
import com.whatpro.hub.providers.ProviderAdapters;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.Providers;
import com.whatpro.hub.providers.TemplateMessage;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a queued message through its provider. Accepted: sent, with the provider's id; a program's message is then
 * copied into the contact's Chatwoot conversation ({@link ChatwootCopies}). Refused (bad number, bad media…): failed
 * with the provider's error. Provider unavailable or rate limited: the worker retries later (honouring the provider's
 * Retry-After). A message already in Chatwoot shows each outcome there ({@link ChatwootStatuses}). A message is sent
 * at least once: when a provider accepted it but the answer was lost, the retry may send it again.
 */
@Component
class Sender {

    /** The error code of a message whose send became a dead letter: still pending, a replay sends it. */
    static final String UNDELIVERED = "undelivered";

    private final Messages messages;
    private final Providers providers;
    private final ProviderAdapters adapters;
    private final Jobs jobs;
    private final ChatwootCopies copies;
    private final JsonMapper json;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    Sender(Messages messages, Providers providers, ProviderAdapters adapters, Jobs jobs, ChatwootCopies copies,
            JsonMapper json, PlatformTransactionManager transactions, ApplicationEventPublisher events) {
        this.messages = messages;
        this.providers = providers;
        this.adapters = adapters;
        this.jobs = jobs;
        this.copies = copies;
        this.json = json;
        this.transactions = new TransactionTemplate(transactions);
        this.events = events;
    }

    /** Sends the message, unless the job's lease was lost before (then the node that took the job sends it). */
    void send(AccountId account, JobKind.Send job, Lease lease) {
        var message = messages.find(account, job.messageId()).orElse(null);
        if (message == null || !"pending".equals(message.status())) {
            return;
        }
        var endpoint = providers.endpoint(account, message.providerId());
        if (endpoint.isEmpty()) {
            fail(account, message, "provider_deleted", "the provider of this message was deleted");
            return;
        }
        var adapter = adapters.forType(endpoint.get().type());
        lease.ensureHeld();
        try {
            var result = message.template() != null
                    ? adapter.sendTemplate(endpoint.get(), message.contactPhone(),
                            json.treeToValue(message.template(), TemplateMessage.class))
                    : message.media() == null
                    ? adapter.sendText(endpoint.get(), message.contactPhone(), message.text() == null ? "" : message.text())
                    : adapter.sendMedia(endpoint.get(), message.contactPhone(),
                            json.treeToValue(message.media(), MediaMessage.class));
            transactions.executeWithoutResult(status -> {
                if (messages.sent(account, message.id(), result.providerMessageId())) {
                    events.publishEvent(new MessageSent(account, message.id(), message.providerId(),
                            result.providerMessageId(), message.origin().name().toLowerCase(Locale.ROOT),
                            message.chatwootConversationId(), Instant.now()));
                }
                if (message.origin() == Messages.Origin.API) {
                    copies.queue(account, message);
                } else if (message.chatwootMessageId() != null && UNDELIVERED.equals(message.errorCode())) {
                    jobs.enqueue(account, List.of(ChatwootStatuses.job(message.id(), message.chatwootMessageId())));
                }
            });
        } catch (ProviderRejected rejected) {
            if (ServiceWindows.OUTSIDE_WINDOW_CODE.equals(rejected.providerCode())) {
                fail(account, message, ServiceWindows.OUTSIDE_WINDOW, ServiceWindows.explanation());
                return;
            }
            fail(account, message, rejected.providerCode() != null ? rejected.providerCode()
                    : "http_" + rejected.httpStatus(), rejected.getMessage());
        }
    }

    /**
     * The send became a dead letter: the message stays pending (a replay sends it) and shows failed for now in
     * Chatwoot.
     */
    void gaveUp(AccountId account, JobKind.Send job, String reason) {
        messages.find(account, job.messageId()).ifPresent(message -> transactions.executeWithoutResult(status -> {
            messages.error(account, message.id(), UNDELIVERED, reason);
            if (message.chatwootMessageId() != null) {
                jobs.enqueue(account, List.of(ChatwootStatuses.job(message.id(), message.chatwootMessageId())));
            }
        }));
    }

    private void fail(AccountId account, Messages.Message message, String code, String reason) {
        transactions.executeWithoutResult(status -> {
            messages.status(account, message.id(), MessageStatus.FAILED, code, reason);
            events.publishEvent(new MessageStatusChanged(account, message.id(), message.providerId(),
                    message.providerMessageId(), MessageStatus.FAILED.jsonName(), message.status(), code,
                    message.chatwootConversationId(), Instant.now()));
            if (message.chatwootMessageId() != null) {
                jobs.enqueue(account, List.of(ChatwootStatuses.job(message.id(), message.chatwootMessageId())));
            }
            if (ServiceWindows.OUTSIDE_WINDOW.equals(code) && message.chatwootConversationId() != null
                    && message.origin() == Messages.Origin.CHATWOOT) {
                jobs.enqueue(account, List.of(ChatwootNotes.job(message.chatwootConversationId(),
                        "Not sent on WhatsApp: " + ServiceWindows.explanation())));
            }
        });
    }
}
