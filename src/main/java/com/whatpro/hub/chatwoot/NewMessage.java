package com.whatpro.hub.chatwoot;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A message to post in a conversation. Chatwoot accepts only {@code incoming} (from the contact, API inboxes only)
 * and {@code outgoing}.
 *
 * @param content the text; may be absent only when there are attachments
 * @param privateNote a note only agents see
 * @param sourceId the message's id at its origin (e.g. the WhatsApp message id), kept by Chatwoot
 */
public record NewMessage(
        @Nullable String content,
        ChatwootMessageType messageType,
        boolean privateNote,
        @Nullable String sourceId,
        List<NewAttachment> attachments) {

    public NewMessage {
        if (messageType != ChatwootMessageType.INCOMING && messageType != ChatwootMessageType.OUTGOING) {
            throw new IllegalArgumentException("Chatwoot creates only incoming and outgoing messages, not " + messageType);
        }
        attachments = List.copyOf(attachments);
        if ((content == null || content.isEmpty()) && attachments.isEmpty()) {
            throw new IllegalArgumentException("a message needs content or an attachment");
        }
    }

    /** A message from the contact, e.g. one received on WhatsApp. */
    public static NewMessage incoming(@Nullable String content, @Nullable String sourceId, NewAttachment... attachments) {
        return new NewMessage(content, ChatwootMessageType.INCOMING, false, sourceId, List.of(attachments));
    }

    /** A message to the contact. */
    public static NewMessage outgoing(@Nullable String content, @Nullable String sourceId, NewAttachment... attachments) {
        return new NewMessage(content, ChatwootMessageType.OUTGOING, false, sourceId, List.of(attachments));
    }

    /** A note for the agents only. */
    public static NewMessage privateNote(String content) {
        return new NewMessage(content, ChatwootMessageType.OUTGOING, true, null, List.of());
    }
}
