package com.whatpro.hub.chatwoot.http;

import static com.whatpro.hub.chatwoot.json.ChatwootJson.object;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;

import com.whatpro.hub.chatwoot.ChatwootAccountClient;
import com.whatpro.hub.chatwoot.ChatwootAgent;
import com.whatpro.hub.chatwoot.ChatwootContact;
import com.whatpro.hub.chatwoot.ChatwootConversation;
import com.whatpro.hub.chatwoot.ChatwootInbox;
import com.whatpro.hub.chatwoot.ChatwootMessage;
import com.whatpro.hub.chatwoot.ChatwootMessageStatus;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootTeam;
import com.whatpro.hub.chatwoot.NewContact;
import com.whatpro.hub.chatwoot.NewConversation;
import com.whatpro.hub.chatwoot.NewMessage;

final class RestAccountClient implements ChatwootAccountClient {

    private final ChatwootHttp http;
    private final Endpoints endpoints;
    private final String token;

    RestAccountClient(ChatwootHttp http, Endpoints endpoints, String token) {
        this.http = http;
        this.endpoints = endpoints;
        this.token = token;
    }

    @Override
    public long accountId() {
        return endpoints.accountId();
    }

    @Override
    public List<ChatwootContact> searchContacts(String query) {
        return http.get(endpoints.contactSearch(query), token, "search contacts", Responses::contacts);
    }

    @Override
    public Optional<ChatwootContact> findContactByPhone(String e164PhoneNumber) {
        return searchContacts(e164PhoneNumber).stream()
                .filter(contact -> e164PhoneNumber.equals(contact.phoneNumber()))
                .findFirst();
    }

    @Override
    public ChatwootContact createContact(NewContact contact) {
        var body = object(
                "inbox_id", contact.inboxId(),
                "name", contact.name(),
                "phone_number", contact.phoneNumber(),
                "identifier", contact.identifier());
        return http.postJson(endpoints.of("contacts"), token, body, "create a contact", Responses::createdContact);
    }

    @Override
    public List<ChatwootConversation> conversationsOf(long contactId) {
        return http.get(endpoints.of("contacts", Long.toString(contactId), "conversations"), token,
                "list a contact's conversations", Responses::conversations);
    }

    @Override
    public ChatwootConversation createConversation(NewConversation conversation) {
        var body = object(
                "source_id", conversation.sourceId(),
                "inbox_id", conversation.inboxId(),
                "contact_id", conversation.contactId());
        return http.postJson(endpoints.of("conversations"), token, body, "create a conversation",
                Responses::conversation);
    }

    @Override
    public List<ChatwootMessage> messagesOf(long conversationId) {
        return http.get(endpoints.of("conversations", Long.toString(conversationId), "messages"), token,
                "list a conversation's messages", Responses::messages);
    }

    @Override
    public ChatwootMessage createMessage(long conversationId, NewMessage message) {
        var uri = endpoints.of("conversations", Long.toString(conversationId), "messages");
        if (message.attachments().isEmpty()) {
            var body = object(
                    "content", message.content(),
                    "message_type", message.messageType().wireName(),
                    "private", message.privateNote(),
                    "source_id", message.sourceId());
            return http.postJson(uri, token, body, "create a message", Responses::message);
        }
        var parts = new MultipartBodyBuilder();
        var content = message.content();
        if (content != null && !content.isEmpty()) {
            parts.part("content", content);
        }
        parts.part("message_type", message.messageType().wireName());
        parts.part("private", Boolean.toString(message.privateNote()));
        var sourceId = message.sourceId();
        if (sourceId != null) {
            parts.part("source_id", sourceId);
        }
        for (var attachment : message.attachments()) {
            parts.part("attachments[]", new ByteArrayResource(attachment.content()))
                    .filename(attachment.fileName())
                    .contentType(MediaType.parseMediaType(attachment.contentType()));
        }
        return http.postMultipart(uri, token, parts.build(), "create a message with attachments", Responses::message);
    }

    @Override
    public boolean updateMessageStatus(long conversationId, long messageId, ChatwootMessageStatus status,
            @Nullable String externalError) {
        var uri = endpoints.of("conversations", Long.toString(conversationId), "messages", Long.toString(messageId));
        var body = object(
                "status", status.wireName(),
                "external_error", status == ChatwootMessageStatus.FAILED ? externalError : null);
        try {
            http.patchJson(uri, token, body, "update a message's status");
            return true;
        } catch (ChatwootRejected rejected) {
            if (rejected.status() == 403) {
                return false; // ensure_api_inbox: "Message status update is only allowed for API inboxes"
            }
            throw rejected;
        }
    }

    @Override
    public List<ChatwootAgent> agents() {
        return http.get(endpoints.of("agents"), token, "list agents", Responses::agents);
    }

    @Override
    public List<ChatwootTeam> teams() {
        return http.get(endpoints.of("teams"), token, "list teams", Responses::teams);
    }

    @Override
    public List<ChatwootAgent> teamMembers(long teamId) {
        return http.get(endpoints.of("teams", Long.toString(teamId), "team_members"), token, "list a team's members",
                Responses::agents);
    }

    @Override
    public List<ChatwootInbox> inboxes() {
        return http.get(endpoints.of("inboxes"), token, "list inboxes", Responses::inboxes);
    }

    @Override
    public ChatwootInbox createApiInbox(String name, java.net.URI webhookUrl) {
        var body = object(
                "name", name,
                "channel", object("type", "api", "webhook_url", webhookUrl.toString()));
        return http.postJson(endpoints.of("inboxes"), token, body, "create an inbox", Responses::inbox);
    }

    @Override
    public void setInboxWebhook(long inboxId, java.net.URI webhookUrl) {
        var body = object("channel", object("webhook_url", webhookUrl.toString()));
        http.patchJson(endpoints.of("inboxes", Long.toString(inboxId)), token, body, "update an inbox");
    }
}
