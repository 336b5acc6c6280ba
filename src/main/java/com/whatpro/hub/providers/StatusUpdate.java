package com.whatpro.hub.providers;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A provider reports a new status of a message the number sent. Apply it only if
 * {@link MessageStatus#canMoveTo(MessageStatus)} allows.
 *
 * @param errorCode the provider's error code when {@code status} is failed and the provider gave one
 * @param errorMessage the provider's explanation when {@code status} is failed and it gave one
 */
public record StatusUpdate(
        String providerMessageId,
        MessageStatus status,
        @Nullable String errorCode,
        @Nullable String errorMessage,
        Instant timestamp) implements ProviderEvent {
}
