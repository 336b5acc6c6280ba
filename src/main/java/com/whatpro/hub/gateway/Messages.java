package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.providers.MessageStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every WhatsApp message through the hub ({@code gateway_messages}): its direction and origin, where it stands, and
 * its ids at the provider and in Chatwoot. The provider's message id is unique per number, so a message is
 * recorded once however often its webhook comes.
 */
@Repository
class Messages {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    Messages(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    enum Direction { INBOUND, OUTBOUND }

    /** whatsapp: a contact wrote; phone: the number itself, outside the hub; chatwoot: an agent; api: a program. */
    enum Origin { WHATSAPP, PHONE, CHATWOOT, API }

    /** @param contactPhone E.164, or the contact's LID while WhatsApp hides its phone */
    record Message(UUID id, Direction direction, Origin origin, String status, UUID providerId,
            @Nullable String providerMessageId, String contactPhone, @Nullable String contactName,
            @Nullable String text, @Nullable JsonNode media, @Nullable Long chatwootConversationId,
            @Nullable Long chatwootMessageId, @Nullable String errorCode, @Nullable String errorMessage,
            Instant createdAt, Instant updatedAt, @Nullable JsonNode template) {

        /** The status of an outgoing message; empty for one received. */
        Optional<MessageStatus> outboundStatus() {
            return "received".equals(status) ? Optional.empty()
                    : Optional.of(MessageStatus.valueOf(status.toUpperCase(Locale.ROOT)));
        }
    }

    /**
     * A message to record; {@code contactPhone} as in {@link Message}.
     *
     * @param template a template message ({@link com.whatpro.hub.providers.TemplateMessage}); null for text or media
     */
    record NewMessage(Direction direction, Origin origin, String status, UUID providerId,
            @Nullable String providerMessageId, String contactPhone, @Nullable String contactName,
            @Nullable String text, @Nullable Object media, @Nullable Long chatwootConversationId,
            @Nullable Long chatwootMessageId, int chatwootPart, @Nullable Object template) {

        NewMessage(Direction direction, Origin origin, String status, UUID providerId,
                @Nullable String providerMessageId, String contactPhone, @Nullable String contactName,
                @Nullable String text, @Nullable Object media, @Nullable Long chatwootConversationId,
                @Nullable Long chatwootMessageId, int chatwootPart) {
            this(direction, origin, status, providerId, providerMessageId, contactPhone, contactName, text, media,
                    chatwootConversationId, chatwootMessageId, chatwootPart, null);
        }
    }

    /** Filters of a listing; null: any. */
    record Filter(@Nullable Direction direction, @Nullable String status, @Nullable Long chatwootConversationId,
            @Nullable UUID providerId) {
    }

    /**
     * Records the message unless one with the same provider message id, or the same Chatwoot message id and part,
     * is already there.
     *
     * @return the new message's id; empty for a duplicate
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<UUID> insert(AccountId account, NewMessage message) {
        var id = Ids.newId();
        var inserted = jdbc.sql("""
                insert into gateway_messages (id, account_id, direction, origin, status, provider_id,
                    provider_message_id, contact_phone, contact_name, text, media, chatwoot_conversation_id,
                    chatwoot_message_id, chatwoot_part, template)
                values (:id, :account, :direction, :origin, :status, :provider, :providerMessage, :phone, :name, :text,
                    cast(:media as jsonb), :conversation, :chatwootMessage, :part, cast(:template as jsonb))
                on conflict do nothing
                """)
                .param("id", id).param("account", account.value()).param("direction", name(message.direction()))
                .param("origin", name(message.origin())).param("status", message.status())
                .param("provider", message.providerId()).param("providerMessage", message.providerMessageId())
                .param("phone", message.contactPhone()).param("name", message.contactName())
                .param("text", message.text())
                .param("media", message.media() == null ? null : json.writeValueAsString(message.media()))
                .param("conversation", message.chatwootConversationId())
                .param("chatwootMessage", message.chatwootMessageId()).param("part", message.chatwootPart())
                .param("template", message.template() == null ? null : json.writeValueAsString(message.template()))
                .update() > 0;
        return inserted ? Optional.of(id) : Optional.empty();
    }

    @Transactional(readOnly = true)
    Optional<Message> find(AccountId account, UUID id) {
        return jdbc.sql(SELECT + " where account_id = :account and id = :id")
                .param("account", account.value()).param("id", id).query(this::message).optional();
    }

    /** The message with this provider message id, locked for the rest of the transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Message> lockByProviderMessageId(AccountId account, UUID providerId, String providerMessageId) {
        return jdbc.sql(SELECT + """
                 where account_id = :account and provider_id = :provider and provider_message_id = :providerMessage
                 for update""")
                .param("account", account.value()).param("provider", providerId)
                .param("providerMessage", providerMessageId).query(this::message).optional();
    }

    /** A page, newest first, before the cursor; each filter reads its own index range. */
    @Transactional(readOnly = true)
    List<Message> page(AccountId account, Filter filter, @Nullable UUID before, int limit) {
        var sql = new StringBuilder(SELECT).append(" where account_id = :account");
        var params = new LinkedHashMap<String, Object>();
        params.put("account", account.value());
        if (before != null) {
            sql.append(" and id < :before");
            params.put("before", before);
        }
        if (filter.direction() != null) {
            sql.append(" and direction = :direction");
            params.put("direction", name(filter.direction()));
        }
        if (filter.status() != null) {
            sql.append(" and status = :status");
            params.put("status", filter.status());
        }
        if (filter.chatwootConversationId() != null) {
            sql.append(" and chatwoot_conversation_id = :conversation");
            params.put("conversation", filter.chatwootConversationId());
        }
        if (filter.providerId() != null) {
            sql.append(" and provider_id = :provider");
            params.put("provider", filter.providerId());
        }
        sql.append(" order by id desc limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(this::message).list();
    }

    /**
     * The message reached Chatwoot as this message of this conversation.
     *
     * @return the message's status then; empty when there is no such message
     */
    @Transactional
    Optional<String> bridged(AccountId account, UUID id, long conversationId, long chatwootMessageId) {
        return jdbc.sql("""
                update gateway_messages set chatwoot_conversation_id = :conversation,
                    chatwoot_message_id = :chatwootMessage, updated_at = now()
                where account_id = :account and id = :id
                returning status
                """)
                .param("conversation", conversationId).param("chatwootMessage", chatwootMessageId)
                .param("account", account.value()).param("id", id).query(String.class).optional();
    }

    /** The message is about to be posted in this conversation: a later attempt looks there before posting again. */
    @Transactional
    void posting(AccountId account, UUID id, long conversationId) {
        jdbc.sql("""
                update gateway_messages set chatwoot_conversation_id = :conversation, updated_at = now()
                where account_id = :account and id = :id and chatwoot_message_id is null
                """)
                .param("conversation", conversationId).param("account", account.value()).param("id", id).update();
    }

    /**
     * One of the hub's messages behind a Chatwoot message (an agent's message with several attachments is several).
     *
     * @param told what Chatwoot was last told of the delivery; null: nothing since it was posted
     */
    record InChatwoot(UUID id, String status, @Nullable String errorCode, @Nullable String errorMessage,
            long conversationId, long chatwootMessageId, @Nullable String told) {
    }

    /**
     * The hub's messages behind the Chatwoot message that message {@code id} is (part of), in order, locked for the
     * rest of the transaction; empty when it is not in Chatwoot.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    List<InChatwoot> lockInChatwoot(AccountId account, UUID id) {
        return jdbc.sql("""
                select id, status, error_code, error_message, chatwoot_conversation_id, chatwoot_message_id,
                    chatwoot_status
                from gateway_messages
                where account_id = :account and chatwoot_conversation_id is not null and chatwoot_message_id = (
                    select chatwoot_message_id from gateway_messages where account_id = :account and id = :id)
                order by chatwoot_part for update
                """)
                .param("account", account.value()).param("id", id)
                .query((rs, row) -> new InChatwoot(rs.getObject("id", UUID.class), rs.getString("status"),
                        rs.getString("error_code"), rs.getString("error_message"),
                        rs.getLong("chatwoot_conversation_id"), rs.getLong("chatwoot_message_id"),
                        rs.getString("chatwoot_status")))
                .list();
    }

    /** Chatwoot was told this of the delivery of its message. */
    @Transactional(propagation = Propagation.MANDATORY)
    void toldChatwoot(AccountId account, long chatwootMessageId, String status) {
        jdbc.sql("""
                update gateway_messages set chatwoot_status = :status
                where account_id = :account and chatwoot_message_id = :chatwootMessage
                """)
                .param("status", status).param("account", account.value())
                .param("chatwootMessage", chatwootMessageId).update();
    }

    /**
     * The provider took the message: sent, with the id its status webhooks will use.
     *
     * @return whether it was pending until now
     */
    @Transactional
    boolean sent(AccountId account, UUID id, String providerMessageId) {
        return jdbc.sql("""
                update gateway_messages set status = 'sent', provider_message_id = :providerMessage,
                    error_code = null, error_message = null, updated_at = now()
                where account_id = :account and id = :id and status = 'pending'
                """)
                .param("providerMessage", providerMessageId).param("account", account.value()).param("id", id)
                .update() > 0;
    }

    /** Moves the status forward; the caller checked {@link MessageStatus#canMoveTo}. */
    @Transactional(propagation = Propagation.MANDATORY)
    void status(AccountId account, UUID id, MessageStatus status, @Nullable String errorCode,
            @Nullable String errorMessage) {
        jdbc.sql("""
                update gateway_messages set status = :status, error_code = coalesce(:code, error_code),
                    error_message = coalesce(:message, error_message), updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("status", status.jsonName()).param("code", errorCode).param("message", truncate(errorMessage))
                .param("account", account.value()).param("id", id).update();
    }

    /** Notes why the message is not out yet, leaving its status as it is. */
    @Transactional
    void error(AccountId account, UUID id, @Nullable String errorCode, String errorMessage) {
        jdbc.sql("""
                update gateway_messages set error_code = :code, error_message = :message, updated_at = now()
                where account_id = :account and id = :id
                """)
                .param("code", errorCode).param("message", truncate(errorMessage))
                .param("account", account.value()).param("id", id).update();
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static @Nullable String truncate(@Nullable String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 1000) + "…";
    }

    private static final String SELECT = """
            select id, direction, origin, status, provider_id, provider_message_id, contact_phone, contact_name, text,
                media::text as media, chatwoot_conversation_id, chatwoot_message_id, error_code, error_message,
                created_at, updated_at, template::text as template
            from gateway_messages
            """;

    private Message message(ResultSet rs, int row) throws SQLException {
        var media = rs.getString("media");
        var template = rs.getString("template");
        return new Message(rs.getObject("id", UUID.class),
                Direction.valueOf(rs.getString("direction").toUpperCase(Locale.ROOT)),
                Origin.valueOf(rs.getString("origin").toUpperCase(Locale.ROOT)), rs.getString("status"),
                rs.getObject("provider_id", UUID.class), rs.getString("provider_message_id"),
                rs.getString("contact_phone"), rs.getString("contact_name"), rs.getString("text"),
                media == null ? null : json.readTree(media), rs.getObject("chatwoot_conversation_id", Long.class),
                rs.getObject("chatwoot_message_id", Long.class), rs.getString("error_code"),
                rs.getString("error_message"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), template == null ? null : json.readTree(template));
    }
}
