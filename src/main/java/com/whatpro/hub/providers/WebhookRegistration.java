package com.whatpro.hub.providers;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Whether the hub's webhook URL is registered at the provider, as of {@code at}.
 *
 * @param detail the events subscribed, the provider's refusal, or what to do by hand; never a secret
 */
public record WebhookRegistration(Status status, @Nullable String detail, Instant at) {

    public enum Status {
        /** A registration is due and has not finished yet. */
        PENDING,
        REGISTERED,
        /** The provider refused or could not be reached; {@code detail} says which. */
        FAILED,
        /** The provider's webhook has to be configured by hand (Cloud API: per Meta app). */
        MANUAL,
        /** Nothing was registered: the hub has no public URL the provider could call. */
        SKIPPED;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status fromJson(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
