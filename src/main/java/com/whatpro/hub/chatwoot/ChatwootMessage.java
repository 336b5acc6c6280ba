package com.whatpro.hub.chatwoot;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A message as Chatwoot stored it.
 *
 * @param privateNote a note only agents see
 * @param sourceId the id of the message at its origin, as given when it was created
 * @param status {@code sent}, {@code delivered}, {@code read} or {@code failed}
 */
public record ChatwootMessage(
        long id,
        long conversationId,
        @Nullable String content,
        ChatwootMessageType messageType,
        boolean privateNote,
        @Nullable String sourceId,
        @Nullable String status,
        List<ChatwootAttachment> attachments) {

    public ChatwootMessage {
        attachments = List.copyOf(attachments);
    }
}
