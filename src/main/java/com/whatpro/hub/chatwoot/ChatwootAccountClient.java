package com.whatpro.hub.chatwoot;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** What the hub does inside one Chatwoot account. Conversation ids are the ones Chatwoot shows (display ids). */
public interface ChatwootAccountClient {

    long accountId();

    /** Contacts whose name, e-mail, phone number or identifier contain the query (Chatwoot's first page, 15). */
    List<ChatwootContact> searchContacts(String query);

    /** The contact whose phone number is exactly this E.164 number. */
    Optional<ChatwootContact> findContactByPhone(String e164PhoneNumber);

    /** Creates the contact and its contact inbox; the result carries the inbox's source id. */
    ChatwootContact createContact(NewContact contact);

    List<ChatwootConversation> conversationsOf(long contactId);

    ChatwootConversation createConversation(NewConversation conversation);

    /** The latest messages of a conversation (Chatwoot's default page, the last 20), oldest first. */
    List<ChatwootMessage> messagesOf(long conversationId);

    /** Posts a message; as JSON without attachments, as {@code multipart/form-data} with them. */
    ChatwootMessage createMessage(long conversationId, NewMessage message);

    /**
     * Sets the delivery status Chatwoot shows on a message ({@code PATCH …/conversations/{id}/messages/{id}}, in
     * Chatwoot's source but not in its published spec). Chatwoot takes it only in API-channel inboxes, ignores a
     * move from read back to delivered, and keeps {@code externalError} only with {@link ChatwootMessageStatus#FAILED}.
     *
     * @return false when Chatwoot refused because the conversation's inbox is not an API channel (its only 403 on
     *         this route; refused tokens are 401 there)
     */
    boolean updateMessageStatus(long conversationId, long messageId, ChatwootMessageStatus status,
            @Nullable String externalError);

    List<ChatwootAgent> agents();

    List<ChatwootTeam> teams();

    /** The agents in a team. */
    List<ChatwootAgent> teamMembers(long teamId);

    List<ChatwootInbox> inboxes();

    /**
     * Creates an API-channel inbox whose webhook (every message an agent writes there) goes to {@code webhookUrl}.
     * Needs an administrator's token.
     */
    ChatwootInbox createApiInbox(String name, java.net.URI webhookUrl);

    /** Points an API-channel inbox's webhook at {@code webhookUrl}. */
    void setInboxWebhook(long inboxId, java.net.URI webhookUrl);
}
