package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/**
 * A Chatwoot conversation.
 *
 * @param id the id Chatwoot shows and routes by (its display id)
 * @param status {@code open}, {@code pending}, {@code resolved} or {@code snoozed}
 * @param contactId the contact it is with, when Chatwoot says
 */
public record ChatwootConversation(long id, long inboxId, String status, @Nullable Long contactId) {
}
