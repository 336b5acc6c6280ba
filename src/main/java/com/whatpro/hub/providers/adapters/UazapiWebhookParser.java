package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.ConnectionUpdate;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
import com.whatpro.hub.providers.Lids;
import com.whatpro.hub.providers.MessageStatus;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.StatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * uazapi webhooks, in both envelopes found in the wild:
 * <ul>
 * <li>the OpenAPI document's {@code WebhookEvent}: {@code {event: message|status|connection, instance, data}} with
 * a {@code Message} as the data of a message;
 * <li>what uazapiGO v2 sends: {@code {EventType: messages|messages_update|connection, message | event | instance,
 * owner, token, …}}, where {@code message} is the same {@code Message} schema.
 * </ul>
 * Chat and contact events ({@code chats}, {@code contacts}) are read only for the phone their {@code chat} shows behind
 * its LID ({@code wa_chatid}, {@code wa_chatlid}).
 */
final class UazapiWebhookParser {

    private final Clock clock;

    UazapiWebhookParser(Clock clock) {
        this.clock = clock;
    }

    List<ProviderEvent> parse(byte[] body) {
        JsonNode root = Json.webhook(body);
        String eventType = Json.text(root, "EventType");
        if (eventType != null) {
            return switch (eventType.toLowerCase(Locale.ROOT)) {
                case "messages" -> message(root.path("message"), root.path("chat")).<List<ProviderEvent>>map(List::of)
                        .orElse(List.of());
                case "messages_update" -> receipts(root);
                case "connection" -> List.of(connection(root.path("instance").isObject() ? root.path("instance") : root,
                        root));
                case "chats", "contacts" -> lidMapping(root.path("chat")).<List<ProviderEvent>>map(List::of)
                        .orElse(List.of());
                default -> List.of();
            };
        }
        String event = Json.text(root, "event");
        JsonNode data = root.path("data");
        return switch (event == null ? "" : event.toLowerCase(Locale.ROOT)) {
            case "message", "messages" -> message(data, data.path("chat")).<List<ProviderEvent>>map(List::of)
                    .orElse(List.of());
            case "status", "messages_update" -> statuses(data);
            case "connection" -> List.of(connection(data.path("instance").isObject() ? data.path("instance") : data,
                    data));
            default -> List.of();
        };
    }

    /** A {@code Message}: messageid, chatid, sender, senderName, fromMe, isGroup, messageType, text, fileURL, content. */
    private Optional<InboundMessage> message(JsonNode message, JsonNode chat) {
        String id = messageId(message);
        String chatId = Json.firstText(message, "chatid");
        if (id == null || Json.flag(message.path("isGroup")) || chatId != null && chatId.endsWith("@g.us")
                || Json.flag(chat.path("wa_isGroup"))) {
            return Optional.empty();
        }
        boolean fromMe = Json.flag(message.path("fromMe"));
        String lid = lid(message, chat, fromMe);
        String phone = phone(message, chat, fromMe, lid);
        if (phone == null && lid == null) {
            return Optional.empty();
        }
        String senderName = fromMe ? null : Json.text(message, "senderName");
        if (senderName == null && !fromMe) {
            senderName = Json.firstText(chat, "wa_contactName", "name", "wa_name");
        }
        Instant timestamp = Json.instant(message.path("messageTimestamp"), clock.instant());
        String text = Json.text(message, "text");
        JsonNode content = content(message);
        String type = normalisedType(message);
        if (text == null && List.of("text", "conversation", "extendedtext", "").contains(type)) {
            return Optional.empty();
        }
        return Optional.of(switch (type) {
            case "image", "video", "audio", "ptt", "myaudio", "document", "sticker" -> new InboundMessage(id,
                    phone, lid, senderName, null, media(message, content, id, text), timestamp, fromMe);
            case "location", "livelocation" -> new InboundMessage(id, phone, lid, senderName,
                    Descriptions.location(Json.text(content, "degreesLatitude"), Json.text(content, "degreesLongitude"),
                            Json.text(content, "name"), Json.text(content, "address")),
                    null, timestamp, fromMe);
            case "contact", "contacts", "contactsarray" -> new InboundMessage(id, phone, lid, senderName,
                    Descriptions.contacts(List.of(Optional.ofNullable(Json.firstText(content, "displayName"))
                            .orElse(text == null ? "(no name)" : text))),
                    null, timestamp, fromMe);
            case "reaction" -> new InboundMessage(id, phone, lid, senderName, Descriptions.reaction(text), null,
                    timestamp, fromMe);
            case "button", "buttonsresponse", "templatebuttonreply" -> new InboundMessage(id, phone, lid,
                    senderName, Descriptions.of("button reply", text != null ? text
                            : Json.text(message, "buttonOrListid")), null, timestamp, fromMe);
            case "list", "listresponse" -> new InboundMessage(id, phone, lid, senderName,
                    Descriptions.of("list reply", text != null ? text : Json.text(message, "buttonOrListid")),
                    null, timestamp, fromMe);
            case "text", "conversation", "extendedtext", "" -> new InboundMessage(id, phone, lid, senderName,
                    text, null, timestamp, fromMe);
            default -> new InboundMessage(id, phone, lid, senderName,
                    text != null ? text : Descriptions.of(type, null), null, timestamp, fromMe);
        });
    }

    private static @Nullable String messageId(JsonNode message) {
        String id = Json.id(message, "messageid");
        if (id != null) {
            return id;
        }
        String internal = Json.id(message, "id"); // "owner:messageid"
        String own = internal == null ? "" : internal.substring(internal.indexOf(':') + 1);
        return own.isBlank() ? null : own;
    }

    /**
     * The contact's phone: the chat id, unless it is a LID; then the sender's phone JID ({@code sender_pn}), or the
     * chat's phone. A candidate that is only the LID's digits is no phone.
     */
    private static @Nullable String phone(JsonNode message, JsonNode chat, boolean fromMe, @Nullable String lid) {
        var candidates = new ArrayList<@Nullable String>();
        candidates.add(Json.text(message, "chatid"));
        candidates.add(Json.text(chat, "wa_chatid"));
        if (!fromMe) {
            candidates.add(Json.text(message, "sender_pn"));
            candidates.add(Json.text(message, "sender"));
        }
        candidates.add(Json.text(chat, "phone"));
        for (String candidate : candidates) {
            if (candidate == null) {
                continue;
            }
            Optional<String> phone = candidate.contains("@") ? PhoneNumbers.fromJid(candidate) : digits(candidate);
            if (phone.isPresent() && (lid == null || !lid.equals(phone.get().substring(1) + "@lid"))) {
                return phone.get();
            }
        }
        return null;
    }

    /**
     * The contact's LID: the chat id when it is one, else the chat's LID ({@code chatlid}, {@code wa_chatlid}), else
     * the sender's, who is the contact unless the number itself wrote.
     */
    private static @Nullable String lid(JsonNode message, JsonNode chat, boolean fromMe) {
        var candidates = new ArrayList<@Nullable String>();
        candidates.add(Json.text(message, "chatid"));
        candidates.add(Json.text(chat, "wa_chatid"));
        candidates.add(Json.text(message, "chatlid"));
        candidates.add(Json.text(chat, "wa_chatlid"));
        if (!fromMe) {
            candidates.add(Json.text(message, "sender_lid"));
            candidates.add(Json.text(message, "sender"));
        }
        return candidates.stream().filter(Objects::nonNull).map(Lids::fromJid).flatMap(Optional::stream).findFirst()
                .orElse(null);
    }

    /** A chat ({@code wa_chatid}, {@code wa_chatlid}) that shows the phone behind its LID. */
    private Optional<LidMapping> lidMapping(JsonNode chat) {
        if (Json.flag(chat.path("wa_isGroup"))) {
            return Optional.empty();
        }
        String chatId = Json.text(chat, "wa_chatid");
        String chatLid = Json.text(chat, "wa_chatlid");
        Optional<String> phone = chatId == null ? Optional.empty() : PhoneNumbers.fromJid(chatId);
        Optional<String> lid = chatLid == null ? Optional.empty() : Lids.fromJid(chatLid);
        return phone.isPresent() && lid.isPresent()
                ? Optional.of(new LidMapping(lid.get(), phone.get(), clock.instant()))
                : Optional.empty();
    }

    private static Optional<String> digits(String candidate) {
        try {
            return Optional.of(PhoneNumbers.toE164(candidate));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code content} is documented as a JSON string and delivered as an object; read either. */
    private static JsonNode content(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isString() && content.asString().startsWith("{")) {
            return Json.lenient(content.asString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return content;
    }

    /** {@code image} (documented) and {@code ImageMessage} (delivered) alike become {@code image}. */
    private static String normalisedType(JsonNode message) {
        String type = Json.firstText(message, "mediaType", "messageType");
        if (type == null) {
            return "";
        }
        type = type.toLowerCase(Locale.ROOT);
        return type.endsWith("message") ? type.substring(0, type.length() - "message".length()) : type;
    }

    /**
     * {@code fileURL} when uazapi stored the file; otherwise the message id, which {@code POST /message/download}
     * exchanges for the file. {@code content.URL} is WhatsApp's encrypted CDN copy and of no use.
     */
    private static InboundMessage.Media media(JsonNode message, JsonNode content, String id, @Nullable String text) {
        String fileUrl = Json.text(message, "fileURL");
        String caption = Json.text(content, "caption");
        return new InboundMessage.Media(
                MediaFiles.url(fileUrl),
                id,
                Json.firstText(content, "mimetype", "mimeType"),
                caption != null ? caption : text,
                Json.firstText(content, "fileName", "title"));
    }

    /** {@code {EventType: messages_update, state, event: {MessageIDs, Type, Timestamp, Chat, IsFromMe}}}. */
    private List<ProviderEvent> receipts(JsonNode root) {
        JsonNode event = root.path("event");
        String state = Json.firstText(root, "state");
        MessageStatus status = status(state != null ? state : Json.text(event, "Type"));
        if (status == null) {
            return List.of();
        }
        Instant timestamp = Json.instant(event.path("Timestamp"), clock.instant());
        var updates = new ArrayList<ProviderEvent>();
        for (JsonNode id : Json.elements(event.path("MessageIDs"))) {
            String messageId = Json.id(id);
            if (messageId != null) {
                updates.add(update(messageId, status, null, timestamp));
            }
        }
        return updates;
    }

    /** The documented envelope's status data: a {@code Message}-like object with its id(s) and new status. */
    private List<ProviderEvent> statuses(JsonNode data) {
        MessageStatus status = status(Json.firstText(data, "status", "state", "Type"));
        if (status == null) {
            return List.of();
        }
        Instant timestamp = Json.instant(data.path(data.has("messageTimestamp") ? "messageTimestamp" : "Timestamp"),
                clock.instant());
        var updates = new ArrayList<ProviderEvent>();
        String single = messageId(data);
        if (single != null) {
            updates.add(update(single, status, Json.text(data, "error"), timestamp));
        }
        for (JsonNode id : Json.elements(data.path("MessageIDs"))) {
            String messageId = Json.id(id);
            if (messageId != null) {
                updates.add(update(messageId, status, null, timestamp));
            }
        }
        return updates;
    }

    private static StatusUpdate update(String id, MessageStatus status, @Nullable String error, Instant timestamp) {
        return new StatusUpdate(id, status, status == MessageStatus.FAILED ? "failed" : null,
                status == MessageStatus.FAILED ? error : null, timestamp);
    }

    /**
     * Documented: pending, sent, delivered, read, failed, deleted. Delivered receipts also name whatsmeow receipt
     * types (Delivered, Read, Played, ServerError, and ReadSelf/PlayedSelf when the number itself read a message it
     * received, which is no status of ours).
     */
    private static @Nullable MessageStatus status(@Nullable String value) {
        String status = value == null ? "" : value.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        return switch (status) {
            case "pending" -> MessageStatus.PENDING;
            case "sent", "serverack" -> MessageStatus.SENT;
            case "delivered", "deliveryack" -> MessageStatus.DELIVERED;
            case "read", "played" -> MessageStatus.READ;
            case "failed", "error", "servererror" -> MessageStatus.FAILED;
            default -> null;
        };
    }

    /** An {@code Instance}: {@code status} connected|connecting|disconnected, {@code lastDisconnectReason}. */
    private static ConnectionUpdate connection(JsonNode instance, JsonNode envelope) {
        String status = Json.firstText(instance, "status", "state");
        if (status == null && instance.has("connected")) {
            status = Json.flag(instance.path("connected")) ? "connected" : "disconnected";
        }
        return new ConnectionUpdate(switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "connected", "open" -> ConnectionState.connected(Json.firstText(instance, "profileName", "name"),
                    UazapiAdapter.phone(instance.path("jid"), Json.text(instance, "owner") != null ? instance : envelope),
                    Json.text(instance, "profileName"));
            case "connecting" -> UazapiAdapter.codes(instance);
            case "disconnected", "close" -> ConnectionState.disconnected(
                    Optional.ofNullable(Json.text(instance, "lastDisconnectReason")).orElse("disconnected"));
            default -> ConnectionState.error(status == null ? "unknown connection status" : status);
        });
    }
}
