package com.whatpro.hub.chatwoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Chatwoot samples under {@code src/test/resources/chatwoot}. */
final class ChatwootResources {

    private ChatwootResources() {
    }

    static String apiResponse(String name) {
        return new String(bytes("/chatwoot/api-responses/" + name), StandardCharsets.UTF_8);
    }

    static byte[] webhook(String name) {
        return bytes("/chatwoot/webhooks/" + name);
    }

    static byte[] bytes(String resource) {
        try (var in = ChatwootResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(resource + " is not in the test resources");
            }
            return in.readAllBytes();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
