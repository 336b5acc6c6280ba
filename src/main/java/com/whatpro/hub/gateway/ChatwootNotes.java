package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.NewMessage;
import com.whatpro.hub.platform.AccountId;
import org.springframework.stereotype.Component;

/**
 * Private notes in Chatwoot conversations, where the hub tells the agents what happened to a message on WhatsApp
 * when the message itself cannot show it: Chatwoot sets a message's delivery status only in API-channel inboxes
 * ({@link ChatwootStatuses}), so elsewhere a failure is told as a note.
 */
@Component
class ChatwootNotes {

    private final ChatwootConnections connections;
    private final ChatwootPosts posts;

    ChatwootNotes(ChatwootConnections connections, ChatwootPosts posts) {
        this.connections = connections;
        this.posts = posts;
    }

    static Jobs.NewJob job(long conversationId, String text) {
        return new Jobs.NewJob(JobKind.CHATWOOT_NOTE, null, "conversation:" + conversationId,
                new JobKind.ChatwootNote(conversationId, text));
    }

    /**
     * Posts the note; on a later attempt, only if an earlier one did not post it already. Under the claim of the note
     * (its conversation and text), so a run whose lease was lost waits for the other and then finds it posted.
     */
    void post(AccountId account, JobKind.ChatwootNote note, int attempt, Lease lease) {
        connections.link(account).map(ChatwootConnections.Link::client).ifPresent(client -> posts.once(account,
                "note:" + note.conversationId() + ":" + note.text().hashCode(), lease, posting -> {
                    posting.ensureHeld();
                    if (attempt > 1) {
                        if (client.messagesOf(note.conversationId()).stream().anyMatch(message ->
                                message.privateNote() && note.text().equals(message.content()))) {
                            return;
                        }
                        posting.ensureHeld();
                    }
                    client.createMessage(note.conversationId(), NewMessage.privateNote(note.text()));
                }));
    }
}
