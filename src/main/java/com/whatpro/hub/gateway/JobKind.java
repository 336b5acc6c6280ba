package com.whatpro.hub.gateway;

import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
import com.whatpro.hub.providers.StatusUpdate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The kinds of work in the queue, each with the payload it stores. */
enum JobKind {

    /** A WhatsApp message from a provider webhook, to post in Chatwoot. */
    INBOUND("inbound", Inbound.class),
    /** A delivery status from a provider webhook. */
    STATUS("status", Status.class),
    /** A connection change from a provider webhook. */
    CONNECTION("connection", Connection.class),
    /** The phone behind a LID, from a provider webhook. */
    LID("lid", Lid.class),
    /** An agent's message from a Chatwoot webhook, to send on WhatsApp. */
    CHATWOOT_MESSAGE("chatwoot_message", ChatwootMessage.class),
    /** A message to send through its provider. */
    SEND("send", Send.class),
    /** A private note to post in a Chatwoot conversation (e.g. a failed delivery). */
    CHATWOOT_NOTE("chatwoot_note", ChatwootNote.class);

    private final String key;
    private final Class<?> payload;

    JobKind(String key, Class<?> payload) {
        this.key = key;
        this.payload = payload;
    }

    String key() {
        return key;
    }

    Class<?> payloadType() {
        return payload;
    }

    static JobKind of(String key) {
        return Arrays.stream(values()).filter(kind -> kind.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job kind " + key));
    }

    record Inbound(UUID providerId, InboundMessage message) {
    }

    record Status(UUID providerId, StatusUpdate update) {
    }

    record Connection(UUID providerId, ConnectionState state) {
    }

    record Lid(UUID providerId, LidMapping mapping) {
    }

    /** What the outbound bridge needs of Chatwoot's {@code message_created}. */
    record ChatwootMessage(long messageId, long conversationId, long inboxId, @Nullable String content,
            List<Attachment> attachments, @Nullable String contactPhone, @Nullable String contactIdentifier,
            @Nullable String contactName) {

        record Attachment(String fileType, String dataUrl) {
        }
    }

    record Send(UUID messageId) {
    }

    record ChatwootNote(long conversationId, String text) {
    }
}
