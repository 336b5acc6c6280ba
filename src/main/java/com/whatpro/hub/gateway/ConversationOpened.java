package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The hub opened a Chatwoot conversation for a WhatsApp contact who wrote in (published once per conversation, after
 * the transaction that recorded it commits). Kanban turns it into a card on the account's default board.
 *
 * @param contactName the name WhatsApp gave, else the phone number (or LID)
 * @param contactPhoneE164 null when WhatsApp hides the contact's phone behind a LID
 * @param providerId the number the contact wrote to
 */
public record ConversationOpened(AccountId account, long chatwootConversationId, String contactName,
        @Nullable String contactPhoneE164, long chatwootContactId, long chatwootInboxId, UUID providerId) {
}
