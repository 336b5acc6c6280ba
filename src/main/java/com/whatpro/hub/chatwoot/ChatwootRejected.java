package com.whatpro.hub.chatwoot;

/** Chatwoot refused the access token (401, 403) or does not show the resource to it (404). Retrying will not help. */
public final class ChatwootRejected extends ChatwootException {

    private final int status;

    public ChatwootRejected(int status, String message) {
        super(message, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
