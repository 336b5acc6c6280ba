package com.whatpro.hub.providers;

import java.util.Locale;
import java.util.Optional;

/**
 * WhatsApp's linked ids ({@code 123456789012345@lid}): what WhatsApp shows instead of a contact's phone number when it
 * hides it. A LID is stable per contact but says nothing about the phone; providers give the phone beside it when they
 * know it. The hub keeps a LID in one form, {@code <digits>@lid}, and uses it as the contact's address (instead of an
 * E.164 number) until the phone is known.
 */
public final class Lids {

    private static final String SERVER = "@lid";
    // WhatsApp's LIDs have about 15 digits; far longer ones are no LID (and too long to index)
    private static final int MAX_DIGITS = 32;

    private Lids() {
    }

    /**
     * The LID in the hub's form, when {@code jid} is one (a {@code :device} suffix is dropped); empty otherwise, and
     * for more than 32 digits.
     */
    public static Optional<String> fromJid(String jid) {
        int at = jid.indexOf('@');
        if (at <= 0 || !jid.substring(at).toLowerCase(Locale.ROOT).equals(SERVER)) {
            return Optional.empty();
        }
        String user = jid.substring(0, at);
        int device = user.indexOf(':');
        if (device >= 0) {
            user = user.substring(0, device);
        }
        if (user.isEmpty() || user.length() > MAX_DIGITS || !user.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(user + SERVER);
    }

    /** Whether a contact address is a LID rather than an E.164 number. */
    public static boolean isLid(String address) {
        return address.endsWith(SERVER);
    }
}
