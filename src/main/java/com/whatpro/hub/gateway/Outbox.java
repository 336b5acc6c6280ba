package com.whatpro.hub.gateway;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.Provider;
import com.whatpro.hub.providers.TemplateMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queues outgoing WhatsApp messages: records each one as pending, counts it against {@code max_monthly_messages}
 * ({@link Entitlements#recordMessages}),
 * reserves its slot under the number's send limits, and adds the send job for that slot, all in one transaction.
 */
@Service
class Outbox {

    private final Messages messages;
    private final Jobs jobs;
    private final Pacing pacing;
    private final Entitlements entitlements;
    private final TransactionTemplate transactions;

    Outbox(Messages messages, Jobs jobs, Pacing pacing, Entitlements entitlements,
            PlatformTransactionManager transactions) {
        this.messages = messages;
        this.jobs = jobs;
        this.pacing = pacing;
        this.entitlements = entitlements;
        this.transactions = new TransactionTemplate(transactions);
    }

    /**
     * One message to send: text, media with an optional caption, or a template (whose {@code text} only describes it,
     * for listings and Chatwoot).
     */
    record Outgoing(@Nullable String text, @Nullable MediaMessage media, @Nullable TemplateMessage template) {

        Outgoing(@Nullable String text, @Nullable MediaMessage media) {
            this(text, media, null);
        }
    }

    /**
     * Queues a message a program asked for.
     *
     * @throws ApiProblem 403 {@code limit-exceeded} when the month's messages are used up
     */
    @Transactional
    UUID queueDirect(AccountId account, Provider provider, String toE164, Outgoing outgoing) {
        entitlements.recordMessages(account, 1);
        var id = messages.insert(account, new Messages.NewMessage(Messages.Direction.OUTBOUND, Messages.Origin.API,
                "pending", provider.id(), null, toE164, null, outgoing.text(), outgoing.media(), null, null, 0,
                outgoing.template()))
                .orElseThrow();
        schedule(account, provider, toE164, id);
        return id;
    }

    /**
     * Queues a message to a contact in their Chatwoot conversation (an automation's), so its copy lands there.
     *
     * @throws ApiProblem 403 {@code limit-exceeded} when the month's messages are used up
     */
    @Transactional
    UUID queueToConversation(AccountId account, Provider provider, String toE164, long conversationId,
            Outgoing outgoing) {
        entitlements.recordMessages(account, 1);
        var id = messages.insert(account, new Messages.NewMessage(Messages.Direction.OUTBOUND, Messages.Origin.API,
                "pending", provider.id(), null, toE164, null, outgoing.text(), outgoing.media(), conversationId, null,
                0, outgoing.template())).orElseThrow();
        schedule(account, provider, toE164, id);
        return id;
    }

    /**
     * Queues what an agent wrote in a Chatwoot conversation: one message per attachment (the text goes with the
     * first as its caption), or one text message. A Chatwoot message queued before is not queued again. Over the
     * monthly limit, the messages are recorded as failed, and so shown in Chatwoot ({@link ChatwootStatuses}).
     *
     * @return the ids of the queued messages; empty when they were queued before
     */
    List<UUID> queueFromChatwoot(AccountId account, Provider provider, String toE164, long conversationId,
            long chatwootMessageId, List<Outgoing> parts) {
        try {
            return Optional.ofNullable(transactions.execute(status -> {
                var ids = new ArrayList<UUID>();
                for (int part = 0; part < parts.size(); part++) {
                    var id = messages.insert(account, chatwootPart(provider, toE164, conversationId, chatwootMessageId,
                            part, parts.get(part), "pending"));
                    id.ifPresent(ids::add);
                    id.ifPresent(queued -> schedule(account, provider, toE164, queued));
                }
                if (!ids.isEmpty()) {
                    entitlements.recordMessages(account, ids.size());
                }
                return List.copyOf(ids);
            })).orElse(List.of());
        } catch (ApiProblem limit) {
            if (!limit.type().endsWith(":limit-exceeded")) {
                throw limit;
            }
            transactions.executeWithoutResult(status -> {
                var failed = new ArrayList<UUID>();
                for (int part = 0; part < parts.size(); part++) {
                    var id = messages.insert(account, chatwootPart(provider, toE164, conversationId, chatwootMessageId,
                            part, parts.get(part), "failed"));
                    if (id.isPresent()) {
                        messages.error(account, id.get(), "monthly_limit", limit.getMessage());
                        failed.add(id.get());
                    }
                }
                if (!failed.isEmpty()) {
                    jobs.enqueue(account, List.of(ChatwootStatuses.job(failed.getFirst(), chatwootMessageId)));
                }
            });
            return List.of();
        }
    }

    private static Messages.NewMessage chatwootPart(Provider provider, String toE164, long conversationId,
            long chatwootMessageId, int part, Outgoing outgoing, String status) {
        return new Messages.NewMessage(Messages.Direction.OUTBOUND, Messages.Origin.CHATWOOT, status, provider.id(),
                null, toE164, null, outgoing.text(), outgoing.media(), conversationId, chatwootMessageId, part);
    }

    private void schedule(AccountId account, Provider provider, String toE164, UUID messageId) {
        var slot = pacing.reserve(account, provider.id(), provider.type(), toE164);
        jobs.enqueue(account, List.of(new Jobs.NewJob(JobKind.SEND, "send:" + messageId,
                "send:" + provider.id() + ":" + toE164, new JobKind.Send(messageId), slot)));
    }
}
