package com.whatpro.hub.chatwoot;

/** Chatwoot refused the request itself (400, 422, …): the same request will fail again. */
public final class ChatwootRequestInvalid extends ChatwootException {

    private final int status;

    public ChatwootRequestInvalid(int status, String message) {
        super(message, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
