package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.Providers;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What automation rules send: a WhatsApp text to the contact of a Chatwoot conversation through the number that
 * conversation belongs to, and private notes in a conversation. Both are queued in the caller's transaction, so they
 * go out exactly when the caller commits, paced and retried like every other send, and shown in Chatwoot.
 */
@Service
public class AutomatedMessages {

    private final Conversations conversations;
    private final Providers providers;
    private final Outbox outbox;
    private final Jobs jobs;

    AutomatedMessages(Conversations conversations, Providers providers, Outbox outbox, Jobs jobs) {
        this.conversations = conversations;
        this.providers = providers;
        this.outbox = outbox;
        this.jobs = jobs;
    }

    /**
     * Queues a text to the conversation's contact; returns the message's id.
     *
     * @throws ApiProblem 422 when the hub does not know the conversation's number, 403 over the monthly limit
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID sendText(AccountId account, long chatwootConversationId, String text) {
        var mapped = conversations.byChatwootConversation(account, chatwootConversationId)
                .orElseThrow(() -> ApiProblem.invalid("conversation", "conversation " + chatwootConversationId
                        + " did not come through a WhatsApp number of this hub"));
        var provider = providers.findRecent(account, mapped.providerId())
                .orElseThrow(() -> ApiProblem.invalid("conversation", "the conversation's number was removed"));
        return outbox.queueToConversation(account, provider, mapped.contactAddress(), chatwootConversationId,
                new Outbox.Outgoing(text, null));
    }

    /** Queues a private note in the conversation (posted once, retried while Chatwoot is away). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void note(AccountId account, long chatwootConversationId, String text) {
        jobs.enqueue(account, List.of(ChatwootNotes.job(chatwootConversationId, text)));
    }
}
