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

    ChatwootNotes(ChatwootConnections connections) {
        this.connections = connections;
    }

    static Jobs.NewJob job(long conversationId, String text) {
        return new Jobs.NewJob(JobKind.CHATWOOT_NOTE, null, "conversation:" + conversationId,
                new JobKind.ChatwootNote(conversationId, text));
    }

    /** Posts the note; on a later attempt, only if an earlier one did not post it already. */
    void post(AccountId account, JobKind.ChatwootNote note, int attempt) {
        connections.link(account).map(ChatwootConnections.Link::client).ifPresent(client -> {
            if (attempt > 1 && client.messagesOf(note.conversationId()).stream()
                    .anyMatch(message -> message.privateNote() && note.text().equals(message.content()))) {
                return;
            }
            client.createMessage(note.conversationId(), NewMessage.privateNote(note.text()));
        });
    }
}
