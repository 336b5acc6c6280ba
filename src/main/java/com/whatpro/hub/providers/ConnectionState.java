package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether a provider's WhatsApp number can send and receive, with the provider's own words on it.
 *
 * @param detail what the provider said, e.g. {@code connecting}, a disconnect reason or an error; null when it said
 *        nothing more
 * @param phoneNumber the linked number in E.164, when the provider said it
 * @param profileName the WhatsApp profile name of the linked number, when the provider said it
 * @param qrCode while connecting: the QR code to scan, as the text it encodes or a {@code data:image/png} URL
 * @param pairingCode while connecting: the code to enter on the phone instead of scanning
 */
public record ConnectionState(Status status, @Nullable String detail, @Nullable String phoneNumber,
        @Nullable String profileName, @Nullable String qrCode, @Nullable String pairingCode) {

    public ConnectionState(Status status, @Nullable String detail) {
        this(status, detail, null, null, null, null);
    }

    public enum Status {
        CONNECTED,
        /** Waiting for a QR code scan or a pairing code, or reconnecting. */
        CONNECTING,
        DISCONNECTED,
        /** The provider gave up pairing (e.g. Evolution's QR code limit); connect again to start over. */
        REFUSED,
        ERROR;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ConnectionState connected(@Nullable String detail) {
        return new ConnectionState(Status.CONNECTED, detail);
    }

    public static ConnectionState connected(@Nullable String detail, @Nullable String phoneNumber,
            @Nullable String profileName) {
        return new ConnectionState(Status.CONNECTED, detail, phoneNumber, profileName, null, null);
    }

    public static ConnectionState connecting(@Nullable String detail) {
        return new ConnectionState(Status.CONNECTING, detail);
    }

    /** Connecting, with a fresh QR code and/or pairing code. */
    public static ConnectionState pairing(@Nullable String qrCode, @Nullable String pairingCode) {
        return new ConnectionState(Status.CONNECTING, "connecting", null, null, qrCode, pairingCode);
    }

    public static ConnectionState disconnected(@Nullable String detail) {
        return new ConnectionState(Status.DISCONNECTED, detail);
    }

    public static ConnectionState refused(@Nullable String detail) {
        return new ConnectionState(Status.REFUSED, detail);
    }

    public static ConnectionState error(@Nullable String detail) {
        return new ConnectionState(Status.ERROR, detail);
    }

    /** Whether this carries a code to pair with. */
    public boolean hasCode() {
        return qrCode != null || pairingCode != null;
    }
}
