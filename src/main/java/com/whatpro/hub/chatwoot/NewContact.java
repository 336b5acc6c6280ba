package com.whatpro.hub.chatwoot;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A contact to create in a Chatwoot inbox.
 *
 * @param phoneNumber E.164, e.g. {@code +5511987654321}; null when unknown (then the identifier is needed)
 * @param identifier the contact's id in the hub's world (for WhatsApp, its JID), unique per account in Chatwoot
 */
public record NewContact(long inboxId, @Nullable String name, @Nullable String phoneNumber,
        @Nullable String identifier) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public NewContact {
        if (phoneNumber == null && identifier == null) {
            throw new IllegalArgumentException("a contact needs a phone number or an identifier");
        }
        if (phoneNumber != null && !E164.matcher(phoneNumber).matches()) {
            throw new IllegalArgumentException("phone number must be E.164 (+ and 7 to 15 digits)");
        }
    }
}
