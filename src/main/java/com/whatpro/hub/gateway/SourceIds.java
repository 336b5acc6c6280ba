package com.whatpro.hub.gateway;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The origin mark on what the hub posts to Chatwoot: its {@code source_id} starts with {@value #PREFIX}. Chatwoot
 * echoes every message posted through its API back as a webhook; one with this mark is never sent to WhatsApp, so
 * no message loops.
 */
final class SourceIds {

    static final String PREFIX = "whatpro:";

    private SourceIds() {
    }

    /** The source id of a WhatsApp message bridged to Chatwoot. */
    static String ofWhatsApp(String providerMessageId) {
        return PREFIX + "wa:" + providerMessageId;
    }

    /** The source id of a message a program sent through the messages API, copied to Chatwoot. */
    static String ofApi(UUID messageId) {
        return PREFIX + "api:" + messageId;
    }

    static boolean isOurs(@Nullable String sourceId) {
        return sourceId != null && sourceId.startsWith(PREFIX);
    }
}
