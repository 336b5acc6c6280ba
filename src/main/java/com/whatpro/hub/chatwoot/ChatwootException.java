package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/** A call to Chatwoot that did not succeed. Messages never carry tokens or response bodies. */
public abstract sealed class ChatwootException extends RuntimeException
        permits ChatwootRejected, ChatwootUnavailable, ChatwootRequestInvalid {

    ChatwootException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
