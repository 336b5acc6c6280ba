package com.whatpro.hub.chatwoot;

import java.util.List;
import java.util.Optional;

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

    List<ChatwootAgent> agents();

    List<ChatwootTeam> teams();

    /** The agents in a team. */
    List<ChatwootAgent> teamMembers(long teamId);

    List<ChatwootInbox> inboxes();
}
