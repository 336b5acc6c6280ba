package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An outgoing message's delivery status moved on (published in the transaction that records it): {@code delivered},
 * {@code read}, or {@code failed} (by the provider's webhook, or when the provider refused the send). It carries ids
 * and the status, not the message's text: the event publication registry keeps events.
 *
 * @param providerMessageId null for a send the provider refused
 * @param errorCode why it failed; null otherwise
 */
public record MessageStatusChanged(AccountId account, UUID messageId, UUID providerId,
        @Nullable String providerMessageId, String status, String previousStatus, @Nullable String errorCode,
        @Nullable Long chatwootConversationId, Instant changedAt) {
}
