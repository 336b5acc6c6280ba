package com.whatpro.hub.chatwoot;

/**
 * A conversation to open with a contact in an inbox.
 *
 * @param sourceId the contact inbox's source id (see {@link ChatwootContact#sourceIdIn(long)})
 */
public record NewConversation(String sourceId, long inboxId, long contactId) {

    public NewConversation {
        if (sourceId.isBlank()) {
            throw new IllegalArgumentException("source id must not be blank");
        }
    }
}
