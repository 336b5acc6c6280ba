package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether a provider's WhatsApp number can send and receive, with the provider's own words on it.
 *
 * @param detail what the provider said, e.g. {@code connecting}, a disconnect reason or an error; null when it said
 *        nothing more
 */
public record ConnectionState(Status status, @Nullable String detail) {

    public enum Status {
        CONNECTED,
        DISCONNECTED,
        ERROR;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ConnectionState connected(@Nullable String detail) {
        return new ConnectionState(Status.CONNECTED, detail);
    }

    public static ConnectionState disconnected(@Nullable String detail) {
        return new ConnectionState(Status.DISCONNECTED, detail);
    }

    public static ConnectionState error(@Nullable String detail) {
        return new ConnectionState(Status.ERROR, detail);
    }
}
