package com.whatpro.hub.chatwoot.http;

import static com.whatpro.hub.chatwoot.json.Fields.elements;
import static com.whatpro.hub.chatwoot.json.Fields.flag;
import static com.whatpro.hub.chatwoot.json.Fields.object;
import static com.whatpro.hub.chatwoot.json.Fields.optionalLong;
import static com.whatpro.hub.chatwoot.json.Fields.optionalText;
import static com.whatpro.hub.chatwoot.json.Fields.requiredLong;
import static com.whatpro.hub.chatwoot.json.Fields.requiredText;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import com.whatpro.hub.chatwoot.ChatwootAgent;
import com.whatpro.hub.chatwoot.ChatwootContact;
import com.whatpro.hub.chatwoot.ChatwootContact.ContactInbox;
import com.whatpro.hub.chatwoot.ChatwootConversation;
import com.whatpro.hub.chatwoot.ChatwootInbox;
import com.whatpro.hub.chatwoot.ChatwootMessage;
import com.whatpro.hub.chatwoot.ChatwootProfile;
import com.whatpro.hub.chatwoot.ChatwootTeam;
import com.whatpro.hub.chatwoot.json.Shapes;
import com.whatpro.hub.chatwoot.json.UnexpectedJson;

import tools.jackson.databind.JsonNode;

/** Reads the Application API's answers, as Chatwoot's jbuilder views write them. */
final class Responses {

    private Responses() {
    }

    /** {@code GET /api/v1/profile}; the answer also holds the user's own access token, which is left unread. */
    static ChatwootProfile profile(JsonNode user) {
        var accounts = elements(user, "accounts").stream()
                .map(account -> new ChatwootProfile.Account(
                        requiredLong(account, "id"), requiredText(account, "name"), requiredText(account, "role")))
                .toList();
        return new ChatwootProfile(
                requiredLong(user, "id"), requiredText(user, "name"), requiredText(user, "email"), accounts);
    }

    /** {@code {"meta": …, "payload": [contact, …]}} */
    static List<ChatwootContact> contacts(JsonNode page) {
        return elements(page, "payload").stream().map(Responses::contact).toList();
    }

    /** {@code {"payload": {"contact": …, "contact_inbox": {"inbox": …, "source_id": …}}}} */
    static ChatwootContact createdContact(JsonNode created) {
        var payload = object(created, "payload");
        var contact = contact(object(payload, "contact"));
        var contactInbox = object(payload, "contact_inbox");
        var inboxId = optionalLong(object(contactInbox, "inbox"), "id");
        var sourceId = optionalText(contactInbox, "source_id");
        if (inboxId == null || sourceId == null || contact.sourceIdIn(inboxId).isPresent()) {
            return contact;
        }
        var contactInboxes = new ArrayList<>(contact.contactInboxes());
        contactInboxes.add(new ContactInbox(inboxId, sourceId));
        return new ChatwootContact(contact.id(), contact.name(), contact.phoneNumber(), contact.email(),
                contact.identifier(), contactInboxes);
    }

    private static ChatwootContact contact(JsonNode contact) {
        var contactInboxes = elements(contact, "contact_inboxes").stream()
                .map(Responses::contactInbox)
                .filter(Objects::nonNull)
                .toList();
        return new ChatwootContact(
                requiredLong(contact, "id"),
                optionalText(contact, "name"),
                optionalText(contact, "phone_number"),
                optionalText(contact, "email"),
                optionalText(contact, "identifier"),
                contactInboxes);
    }

    private static @Nullable ContactInbox contactInbox(JsonNode contactInbox) {
        var inboxId = optionalLong(object(contactInbox, "inbox"), "id");
        var sourceId = optionalText(contactInbox, "source_id");
        return inboxId == null || sourceId == null ? null : new ContactInbox(inboxId, sourceId);
    }

    /** {@code {"payload": [conversation, …]}} */
    static List<ChatwootConversation> conversations(JsonNode list) {
        return elements(list, "payload").stream().map(Responses::conversation).toList();
    }

    static ChatwootConversation conversation(JsonNode conversation) {
        return new ChatwootConversation(
                requiredLong(conversation, "id"),
                requiredLong(conversation, "inbox_id"),
                requiredText(conversation, "status"),
                optionalLong(object(object(conversation, "meta"), "sender"), "id"));
    }

    static ChatwootMessage message(JsonNode message) {
        return new ChatwootMessage(
                requiredLong(message, "id"),
                requiredLong(message, "conversation_id"),
                optionalText(message, "content"),
                Shapes.messageType(message),
                flag(message, "private"),
                optionalText(message, "source_id"),
                optionalText(message, "status"),
                Shapes.attachments(message));
    }

    /** {@code {"meta": …, "payload": [message, …]}} */
    static List<ChatwootMessage> messages(JsonNode list) {
        return elements(list, "payload").stream().map(Responses::message).toList();
    }

    /** {@code [agent, …]} */
    static List<ChatwootAgent> agents(JsonNode list) {
        return array(list).stream()
                .map(agent -> new ChatwootAgent(
                        requiredLong(agent, "id"),
                        requiredText(agent, "name"),
                        optionalText(agent, "available_name"),
                        optionalText(agent, "email"),
                        requiredText(agent, "role"),
                        flag(agent, "confirmed"),
                        optionalText(agent, "availability_status")))
                .toList();
    }

    /** {@code [team, …]} */
    static List<ChatwootTeam> teams(JsonNode list) {
        return array(list).stream()
                .map(team -> new ChatwootTeam(
                        requiredLong(team, "id"),
                        requiredText(team, "name"),
                        optionalText(team, "description"),
                        flag(team, "allow_auto_assign")))
                .toList();
    }

    /** {@code {"payload": [inbox, …]}} */
    static List<ChatwootInbox> inboxes(JsonNode list) {
        return elements(list, "payload").stream().map(Responses::inbox).toList();
    }

    /** An inbox object. */
    static ChatwootInbox inbox(JsonNode inbox) {
        return new ChatwootInbox(
                requiredLong(inbox, "id"),
                requiredText(inbox, "name"),
                requiredText(inbox, "channel_type"),
                optionalText(inbox, "phone_number"),
                optionalText(inbox, "secret"));
    }

    private static List<JsonNode> array(JsonNode list) {
        if (!list.isArray()) {
            throw new UnexpectedJson("not a list");
        }
        var elements = new ArrayList<JsonNode>();
        list.forEach(elements::add);
        return elements;
    }
}
