package com.whatpro.hub.chatwoot;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** A Chatwoot contact and the inboxes it can be reached in. */
public record ChatwootContact(
        long id,
        @Nullable String name,
        @Nullable String phoneNumber,
        @Nullable String email,
        @Nullable String identifier,
        List<ContactInbox> contactInboxes) {

    public ChatwootContact {
        contactInboxes = List.copyOf(contactInboxes);
    }

    /** The source id that addresses this contact in the inbox, needed to open a conversation there. */
    public Optional<String> sourceIdIn(long inboxId) {
        return contactInboxes.stream()
                .filter(contactInbox -> contactInbox.inboxId() == inboxId)
                .map(ContactInbox::sourceId)
                .findFirst();
    }

    public record ContactInbox(long inboxId, String sourceId) {
    }
}
