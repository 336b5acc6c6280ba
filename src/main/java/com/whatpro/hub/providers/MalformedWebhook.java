package com.whatpro.hub.providers;

/** A webhook body is not the JSON document the provider sends. */
public final class MalformedWebhook extends RuntimeException {

    public MalformedWebhook(String message, Throwable cause) {
        super(message, cause);
    }

    public MalformedWebhook(String message) {
        super(message);
    }
}
