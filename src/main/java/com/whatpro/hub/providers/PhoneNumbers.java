package com.whatpro.hub.providers;

import java.util.Locale;
import java.util.Optional;

/**
 * Phone numbers between the forms providers use (JIDs such as {@code 5511999999999@s.whatsapp.net}, bare digits,
 * numbers typed with spaces and punctuation) and E.164 ({@code +5511999999999}), the only form the hub keeps.
 */
public final class PhoneNumbers {

    private PhoneNumbers() {
    }

    /**
     * E.164 of a phone number written any usual way: {@code +55 (11) 99999-9999}, {@code 5511999999999}, or a
     * phone JID {@code 5511999999999@s.whatsapp.net} (with or without a {@code :device} suffix).
     *
     * @throws IllegalArgumentException when it is not a phone number with country code: a group, {@code @lid} or
     *         broadcast id, letters, a leading 0 (national form), or not 7 to 15 digits
     */
    public static String toE164(String number) {
        String value = number.strip();
        int at = value.indexOf('@');
        if (at >= 0) {
            return fromJid(value).orElseThrow(() -> new IllegalArgumentException(
                    "'" + number + "' is not the JID of a phone number"));
        }
        var digits = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == '+' && i == 0 || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
                continue;
            } else {
                throw new IllegalArgumentException("'" + number + "' is not a phone number");
            }
        }
        return checked(digits.toString(), number);
    }

    /**
     * E.164 of a JID when it names a phone ({@code @s.whatsapp.net}, {@code @c.us}); empty for groups
     * ({@code @g.us}), linked ids ({@code @lid}), broadcasts, newsletters and anything malformed.
     */
    public static Optional<String> fromJid(String jid) {
        int at = jid.indexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String server = jid.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!server.equals("s.whatsapp.net") && !server.equals("c.us")) {
            return Optional.empty();
        }
        String user = jid.substring(0, at);
        int device = user.indexOf(':');
        if (device >= 0) {
            user = user.substring(0, device);
        }
        if (!user.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(checked(user, jid));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The phone JID of an E.164 number, e.g. {@code 5511999999999@s.whatsapp.net}. */
    public static String toJid(String e164) {
        return digits(e164) + "@s.whatsapp.net";
    }

    /**
     * The recipient as a provider's send API expects it. All three take the digits with country code and no
     * {@code +}: Evolution's {@code number}, uazapi's {@code number} and Cloud API's {@code to}. A contact whose phone
     * is unknown is addressed by its LID JID ({@link Lids}), which Evolution and uazapi take as the number (Evolution
     * passes any {@code …@lid} through to WhatsApp); Cloud API has no LIDs.
     *
     * @param address an E.164 number, or a LID in the hub's form
     * @throws IllegalArgumentException for a LID and Cloud API
     */
    public static String toProviderNumber(ProviderType type, String address) {
        if (Lids.isLid(address)) {
            return switch (type) {
                case EVOLUTION, UAZAPI -> address;
                case CLOUD_API -> throw new IllegalArgumentException("Cloud API cannot send to a WhatsApp LID");
            };
        }
        return switch (type) {
            case EVOLUTION, UAZAPI, CLOUD_API -> digits(address);
        };
    }

    private static String digits(String e164) {
        return toE164(e164).substring(1);
    }

    private static String checked(String digits, String original) {
        if (digits.length() < 7 || digits.length() > 15) {
            throw new IllegalArgumentException(
                    "'" + original + "' is not a phone number with country code (7 to 15 digits)");
        }
        if (digits.charAt(0) == '0') {
            throw new IllegalArgumentException(
                    "'" + original + "' lacks the country code (starts with 0)");
        }
        return "+" + digits;
    }
}
