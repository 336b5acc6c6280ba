package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/** The body is not a Chatwoot webhook payload the hub can read; it should be answered with 400. */
public final class MalformedChatwootWebhook extends RuntimeException {

    public MalformedChatwootWebhook(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
