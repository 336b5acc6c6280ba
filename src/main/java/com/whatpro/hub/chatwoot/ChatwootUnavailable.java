package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/** Chatwoot could not be reached, did not answer in time, failed (5xx, 429) or answered nonsense. Worth retrying. */
public final class ChatwootUnavailable extends ChatwootException {

    public ChatwootUnavailable(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
