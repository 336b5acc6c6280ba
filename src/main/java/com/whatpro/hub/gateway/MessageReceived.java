package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A WhatsApp contact's message reached its Chatwoot conversation (published once per message, when it is posted).
 *
 * @param text the message's text or caption; null for media without one
 * @param receivedAt when the contact sent it, as the provider says
 */
public record MessageReceived(AccountId account, UUID messageId, long chatwootConversationId, UUID providerId,
        @Nullable String text, Instant receivedAt) {
}
