package com.whatpro.hub.chatwoot;

import java.util.Locale;

/** The delivery status Chatwoot shows on a message, as its {@code Message.statuses} names it. */
public enum ChatwootMessageStatus {

    SENT,
    DELIVERED,
    READ,
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
