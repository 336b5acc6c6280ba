package com.whatpro.hub.chatwoot.webhook;

import static com.whatpro.hub.chatwoot.json.Fields.elements;
import static com.whatpro.hub.chatwoot.json.Fields.flag;
import static com.whatpro.hub.chatwoot.json.Fields.object;
import static com.whatpro.hub.chatwoot.json.Fields.optionalLong;
import static com.whatpro.hub.chatwoot.json.Fields.optionalText;
import static com.whatpro.hub.chatwoot.json.Fields.requiredLong;
import static com.whatpro.hub.chatwoot.json.Fields.requiredText;
import static com.whatpro.hub.chatwoot.json.Fields.texts;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import com.whatpro.hub.chatwoot.ChatwootEvent;
import com.whatpro.hub.chatwoot.ChatwootEvent.Contact;
import com.whatpro.hub.chatwoot.ChatwootEvent.ContactCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.Conversation;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationStatusChanged;
import com.whatpro.hub.chatwoot.ChatwootEvent.ConversationUpdated;
import com.whatpro.hub.chatwoot.ChatwootEvent.MessageCreated;
import com.whatpro.hub.chatwoot.ChatwootEvent.Sender;
import com.whatpro.hub.chatwoot.ChatwootEvent.Unhandled;
import com.whatpro.hub.chatwoot.ChatwootMessageType;
import com.whatpro.hub.chatwoot.MalformedChatwootWebhook;
import com.whatpro.hub.chatwoot.json.ChatwootJson;
import com.whatpro.hub.chatwoot.json.Shapes;
import com.whatpro.hub.chatwoot.json.UnexpectedJson;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Reads a webhook body as Chatwoot builds it: a message's {@code webhook_data} or a conversation's
 * {@code push_data}, merged with {@code event} (and {@code changed_attributes} for updates).
 */
public final class EventReader {

    public ChatwootEvent read(byte[] rawBody) {
        var payload = parse(rawBody);
        var event = optionalText(payload, "event");
        if (event == null) {
            throw new MalformedChatwootWebhook("the payload names no event", null);
        }
        try {
            return switch (event) {
                case "message_created" -> messageCreated(payload);
                case "conversation_created" -> new ConversationCreated(conversation(payload));
                case "conversation_status_changed" ->
                        new ConversationStatusChanged(conversation(payload), previousStatus(payload));
                case "conversation_updated" ->
                        new ConversationUpdated(conversation(payload), changedAttributes(payload));
                case "contact_created" ->
                        new ContactCreated(optionalLong(object(payload, "account"), "id"), requiredContact(payload));
                default -> new Unhandled(event);
            };
        } catch (UnexpectedJson unreadable) {
            throw new MalformedChatwootWebhook(event + " payload: " + unreadable.getMessage(), unreadable);
        }
    }

    private static JsonNode parse(byte[] rawBody) {
        JsonNode payload;
        try {
            payload = ChatwootJson.read(rawBody);
        } catch (JacksonException notJson) {
            throw new MalformedChatwootWebhook("the body is not valid JSON", notJson);
        }
        if (payload == null || !payload.isObject()) {
            throw new MalformedChatwootWebhook("the body is not a JSON object", null);
        }
        return payload;
    }

    private static MessageCreated messageCreated(JsonNode message) {
        var conversation = object(message, "conversation");
        var messageType = Shapes.messageType(message);
        var accountId = optionalLong(object(message, "account"), "id");
        var inboxId = optionalLong(object(message, "inbox"), "id");
        return new MessageCreated(
                requiredLong(message, "id"),
                accountId != null ? accountId : requiredLong(lastMessage(conversation), "account_id"),
                requiredLong(conversation, "id"),
                inboxId != null ? inboxId : requiredLong(conversation, "inbox_id"),
                optionalText(conversation, "channel"),
                messageType,
                optionalText(message, "content_type"),
                optionalText(message, "content"),
                flag(message, "private"),
                optionalText(message, "source_id"),
                sender(object(message, "sender"), messageType),
                contact(object(object(conversation, "meta"), "sender")),
                optionalText(object(conversation, "contact_inbox"), "source_id"),
                Shapes.attachments(message));
    }

    private static Conversation conversation(JsonNode conversation) {
        var meta = object(conversation, "meta");
        return new Conversation(
                requiredLong(conversation, "id"),
                optionalLong(lastMessage(conversation), "account_id"),
                requiredLong(conversation, "inbox_id"),
                optionalText(conversation, "channel"),
                requiredText(conversation, "status"),
                contact(object(meta, "sender")),
                optionalText(object(conversation, "contact_inbox"), "source_id"),
                optionalLong(object(meta, "assignee"), "id"),
                optionalLong(object(meta, "team"), "id"),
                texts(conversation, "labels"));
    }

    private static JsonNode lastMessage(JsonNode conversation) {
        var messages = elements(conversation, "messages");
        return messages.isEmpty() ? MissingNode.getInstance() : messages.getLast();
    }

    private static Contact requiredContact(JsonNode contact) {
        var read = contact(contact);
        if (read == null) {
            throw new UnexpectedJson("no numeric 'id'");
        }
        return read;
    }

    private static @Nullable Contact contact(JsonNode contact) {
        var id = optionalLong(contact, "id");
        if (id == null) {
            return null;
        }
        return new Contact(id,
                optionalText(contact, "name"),
                optionalText(contact, "phone_number"),
                optionalText(contact, "email"),
                optionalText(contact, "identifier"));
    }

    private static @Nullable Sender sender(JsonNode sender, ChatwootMessageType messageType) {
        var id = optionalLong(sender, "id");
        if (id == null) {
            return null;
        }
        var type = optionalText(sender, "type");
        return new Sender(id,
                optionalText(sender, "name"),
                type == null && messageType == ChatwootMessageType.INCOMING ? "contact" : type,
                optionalText(sender, "email"),
                optionalText(sender, "phone_number"),
                optionalText(sender, "identifier"));
    }

    /** Chatwoot sends {@code changed_attributes} as a list of one-key objects, or null. */
    private static List<String> changedAttributes(JsonNode conversation) {
        return elements(conversation, "changed_attributes").stream()
                .flatMap(change -> change.propertyNames().stream())
                .toList();
    }

    private static @Nullable String previousStatus(JsonNode conversation) {
        return elements(conversation, "changed_attributes").stream()
                .map(change -> object(change, "status"))
                .map(status -> optionalText(status, "previous_value"))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }
}
