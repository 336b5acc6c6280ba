package com.whatpro.hub.chatwoot.json;

import static com.whatpro.hub.chatwoot.json.Fields.elements;
import static com.whatpro.hub.chatwoot.json.Fields.optionalLong;
import static com.whatpro.hub.chatwoot.json.Fields.optionalText;
import static com.whatpro.hub.chatwoot.json.Fields.requiredLong;
import static com.whatpro.hub.chatwoot.json.Fields.requiredText;

import java.util.List;
import java.util.Locale;

import com.whatpro.hub.chatwoot.ChatwootAttachment;
import com.whatpro.hub.chatwoot.ChatwootMessageType;

import tools.jackson.databind.JsonNode;

/** Shapes that API responses and webhook payloads share. */
public final class Shapes {

    private Shapes() {
    }

    /** Chatwoot's message type: a number (0–3) in API responses, a name in webhooks. */
    public static ChatwootMessageType messageType(JsonNode message) {
        var value = message.path("message_type");
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            var types = ChatwootMessageType.values();
            int ordinal = value.intValue();
            if (ordinal >= 0 && ordinal < types.length) {
                return types[ordinal];
            }
        }
        if (value.isString()) {
            try {
                return ChatwootMessageType.valueOf(value.stringValue().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                // reported below
            }
        }
        throw new UnexpectedJson("unknown 'message_type' " + value);
    }

    public static List<ChatwootAttachment> attachments(JsonNode message) {
        return elements(message, "attachments").stream().map(Shapes::attachment).toList();
    }

    private static ChatwootAttachment attachment(JsonNode attachment) {
        return new ChatwootAttachment(
                requiredLong(attachment, "id"),
                requiredText(attachment, "file_type"),
                requiredText(attachment, "data_url"),
                optionalText(attachment, "thumb_url"),
                optionalLong(attachment, "file_size"));
    }
}
