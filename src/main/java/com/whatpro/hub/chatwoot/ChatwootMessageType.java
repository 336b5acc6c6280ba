package com.whatpro.hub.chatwoot;

import java.util.Locale;

/** Who a message goes to: Chatwoot sends these as numbers (0–3) in API responses and as names in webhooks. */
public enum ChatwootMessageType {

    // in Chatwoot's order: the ordinal is Chatwoot's number
    /** From the contact. */
    INCOMING,
    /** From an agent or bot, to the contact. */
    OUTGOING,
    /** A note by Chatwoot itself (assignment, status change). */
    ACTIVITY,
    /** An interactive template (input_select, cards, form). */
    TEMPLATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
