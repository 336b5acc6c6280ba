package com.whatpro.hub.gateway;

import org.jspecify.annotations.Nullable;

/**
 * Whom a WhatsApp message is with, as far as the hub knows: the phone (E.164), the LID ({@code …@lid}), or both.
 * The contact's address in the gateway's tables ({@code contact_phone}) is the phone, or the LID while the phone is
 * unknown.
 */
record WhatsAppContact(@Nullable String phone, @Nullable String lid) {

    WhatsAppContact {
        if (phone == null && lid == null) {
            throw new IllegalArgumentException("a contact needs a phone or a LID");
        }
    }

    String address() {
        return phone != null ? phone : lid;
    }
}
