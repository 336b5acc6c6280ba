package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewMessage;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.Providers;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies what programs send through the messages API into the contact's Chatwoot conversation, so agents see it.
 * The copy is posted once the provider took the send, so Chatwoot shows what the contact got, in the order they got
 * it, and a send the provider refused is not copied; neither the send nor its answer waits for Chatwoot. It is an
 * outgoing message marked with {@link SourceIds#ofApi}, so Chatwoot's echo of it is never sent to WhatsApp, and its
 * ids are recorded, so its delivery shows there ({@link ChatwootStatuses}). Media appears as its link: the hub does
 * not download what a caller points it at. Exactly once: an attempt records the conversation before it posts, and a
 * later attempt first looks for the mark among that conversation's latest messages, all under the message's claim
 * ({@link ChatwootPosts}).
 */
@Component
class ChatwootCopies {

    private final Messages messages;
    private final Providers providers;
    private final ChatwootConnections connections;
    private final Conversations conversations;
    private final ChatwootStatuses statuses;
    private final Jobs jobs;
    private final ChatwootPosts posts;
    private final JsonMapper json;

    ChatwootCopies(Messages messages, Providers providers, ChatwootConnections connections,
            Conversations conversations, ChatwootStatuses statuses, Jobs jobs, ChatwootPosts posts, JsonMapper json) {
        this.posts = posts;
        this.messages = messages;
        this.providers = providers;
        this.connections = connections;
        this.conversations = conversations;
        this.statuses = statuses;
        this.jobs = jobs;
        this.json = json;
    }

    /** Adds the copy of a program's message that was just sent, in the transaction recording the send. */
    void queue(AccountId account, Messages.Message message) {
        if (connections.link(account).isEmpty()) {
            return;
        }
        jobs.enqueue(account, List.of(new Jobs.NewJob(JobKind.CHATWOOT_COPY, "chatwoot:copy:" + message.id(),
                "contact:" + message.contactPhone(), new JobKind.ChatwootCopy(message.id()))));
    }

    void post(AccountId account, JobKind.ChatwootCopy job, Lease lease) {
        var message = messages.find(account, job.messageId()).orElse(null);
        if (message == null || message.chatwootMessageId() != null) {
            return;
        }
        var link = connections.link(account);
        var provider = providers.findRecent(account, message.providerId());
        if (link.isEmpty() || provider.isEmpty()) {
            return; // Chatwoot was disconnected, or the provider deleted, since
        }
        var chatwoot = link.get().client();
        var sourceId = SourceIds.ofApi(message.id());
        var inbox = provider.get().chatwootInboxId() != null ? provider.get().chatwootInboxId()
                : link.get().connection().inboxId();
        var earlier = message.chatwootConversationId();
        if (inbox == null && earlier == null) {
            throw new JobFailure.GiveUp("no Chatwoot inbox for this number: set chatwoot_inbox_id on the provider "
                    + "or inbox_id on the account's Chatwoot connection, then replay");
        }
        var conversation = earlier != null ? earlier.longValue() : conversations.ensure(account, chatwoot, inbox,
                provider.get().id(), WhatsAppContact.ofAddress(message.contactPhone()), message.contactName())
                .conversationId();
        if (earlier == null) {
            messages.posting(account, message.id(), conversation); // committed before posting: a later run searches
        }
        posts.once(account, sourceId, lease, posting -> {
            if (messages.find(account, message.id()).map(Messages.Message::chatwootMessageId).isPresent()) {
                return; // another run of this job posted it meanwhile
            }
            posting.ensureHeld();
            if (earlier != null) {
                var posted = chatwoot.messagesOf(earlier).stream()
                        .filter(existing -> sourceId.equals(existing.sourceId())).findFirst();
                if (posted.isPresent()) {
                    posting.record(() -> statuses.bridged(account, message.id(), earlier, posted.get().id()));
                    return;
                }
                posting.ensureHeld();
            }
            var posted = chatwoot.createMessage(conversation, NewMessage.outgoing(content(message), sourceId));
            posting.record(() -> statuses.bridged(account, message.id(), conversation, posted.id()));
        });
    }

    private String content(Messages.Message message) {
        if (message.media() == null) {
            return message.text() == null || message.text().isBlank() ? "[message]" : message.text();
        }
        var media = json.treeToValue(message.media(), MediaMessage.class);
        var link = "[" + media.kind().jsonName() + "] " + media.url();
        return media.caption() == null || media.caption().isBlank() ? link : media.caption() + "\n" + link;
    }
}
