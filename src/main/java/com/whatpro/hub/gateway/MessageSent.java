package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The provider took one of the hub's outgoing messages (published in the transaction that records it as sent). It
 * carries ids, not the message's text: the event publication registry keeps events.
 *
 * @param origin who wrote it: {@code chatwoot} (an agent) or {@code api} (a program or an automation)
 * @param chatwootConversationId the contact's Chatwoot conversation; null when it is not there (yet)
 */
public record MessageSent(AccountId account, UUID messageId, UUID providerId, String providerMessageId, String origin,
        @Nullable Long chatwootConversationId, Instant sentAt) {
}
