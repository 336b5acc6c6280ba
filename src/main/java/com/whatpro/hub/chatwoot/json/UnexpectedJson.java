package com.whatpro.hub.chatwoot.json;

/** Chatwoot's JSON lacks something the hub needs, or has it in a shape the hub does not know. */
public final class UnexpectedJson extends RuntimeException {

    public UnexpectedJson(String message) {
        super(message);
    }
}
