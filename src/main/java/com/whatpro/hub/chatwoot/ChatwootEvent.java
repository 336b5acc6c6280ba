package com.whatpro.hub.chatwoot;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A webhook delivery from Chatwoot, parsed. Conversation ids are display ids, as in the API. Texts Chatwoot sends
 * empty are read as absent.
 */
public sealed interface ChatwootEvent {

    /** Chatwoot's name of the event, e.g. {@code message_created}. */
    String event();

    /**
     * A message was posted in a conversation, by the contact, an agent, a bot or Chatwoot itself.
     *
     * @param channel the inbox's channel, e.g. {@code Channel::Api}
     * @param contentType {@code text}, {@code input_select}, {@code cards}, …
     * @param privateNote a note only agents see: never to be sent to the contact
     * @param sourceId the message's id at its origin; set by whoever created the message
     * @param sender who wrote it; absent for Chatwoot's own activity messages
     * @param contact the contact the conversation is with
     * @param contactSourceId how the conversation's inbox addresses the contact
     */
    record MessageCreated(
            long messageId,
            long accountId,
            long conversationId,
            long inboxId,
            @Nullable String channel,
            ChatwootMessageType messageType,
            @Nullable String contentType,
            @Nullable String content,
            boolean privateNote,
            @Nullable String sourceId,
            @Nullable Sender sender,
            @Nullable Contact contact,
            @Nullable String contactSourceId,
            List<ChatwootAttachment> attachments) implements ChatwootEvent {

        public MessageCreated {
            attachments = List.copyOf(attachments);
        }

        @Override
        public String event() {
            return "message_created";
        }
    }

    record ConversationCreated(Conversation conversation) implements ChatwootEvent {

        @Override
        public String event() {
            return "conversation_created";
        }
    }

    /** @param previousStatus the status before, when Chatwoot says */
    record ConversationStatusChanged(Conversation conversation, @Nullable String previousStatus)
            implements ChatwootEvent {

        @Override
        public String event() {
            return "conversation_status_changed";
        }
    }

    /** @param changedAttributes the names of what changed, e.g. {@code label_list}, {@code assignee_id} */
    record ConversationUpdated(Conversation conversation, List<String> changedAttributes) implements ChatwootEvent {

        public ConversationUpdated {
            changedAttributes = List.copyOf(changedAttributes);
        }

        @Override
        public String event() {
            return "conversation_updated";
        }
    }

    record ContactCreated(@Nullable Long accountId, Contact contact) implements ChatwootEvent {

        @Override
        public String event() {
            return "contact_created";
        }
    }

    /** An event the hub does not act on. */
    record Unhandled(String event) implements ChatwootEvent {
    }

    /**
     * A conversation as the event describes it.
     *
     * @param accountId the Chatwoot account; conversation events carry it only inside their last message
     * @param status {@code open}, {@code pending}, {@code resolved} or {@code snoozed}
     */
    record Conversation(
            long id,
            @Nullable Long accountId,
            long inboxId,
            @Nullable String channel,
            String status,
            @Nullable Contact contact,
            @Nullable String contactSourceId,
            @Nullable Long assigneeId,
            @Nullable Long teamId,
            List<String> labels) {

        public Conversation {
            labels = List.copyOf(labels);
        }
    }

    record Contact(
            long id,
            @Nullable String name,
            @Nullable String phoneNumber,
            @Nullable String email,
            @Nullable String identifier) {
    }

    /**
     * The author of a message.
     *
     * @param type {@code contact}, {@code user} (an agent) or {@code agent_bot}; Chatwoot leaves it out for contacts
     *     in older versions, so incoming messages are read as from the contact
     */
    record Sender(
            long id,
            @Nullable String name,
            @Nullable String type,
            @Nullable String email,
            @Nullable String phoneNumber,
            @Nullable String identifier) {

        public boolean contact() {
            return "contact".equals(type);
        }
    }
}
