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
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Evolution API webhooks: {@code {event, instance, data, date_time, apikey?, …}} with events
 * {@code messages.upsert}, {@code messages.update} and {@code connection.update} (also accepted in the
 * {@code MESSAGES_UPSERT} spelling). {@code data.message} is a Baileys (WhatsApp protobuf) message. Chat and contact
 * events are read only for the phones they show behind LIDs.
 */
final class EvolutionWebhookParser {

    private static final Logger log = LoggerFactory.getLogger(EvolutionWebhookParser.class);

    private static final List<String> MEDIA = List.of("imageMessage", "videoMessage", "audioMessage",
            "documentMessage", "stickerMessage");
    // wrappers whose inner "message" is the real content
    private static final List<String> WRAPPERS = List.of("ephemeralMessage", "viewOnceMessage",
            "viewOnceMessageV2", "viewOnceMessageV2Extension", "documentWithCaptionMessage");
    // protocol traffic that is not a message anyone wrote
    private static final Set<String> NOT_MESSAGES = Set.of("protocolMessage", "senderKeyDistributionMessage",
            "messageContextInfo", "pollUpdateMessage", "keepInChatMessage", "encReactionMessage");

    private final Clock clock;

    EvolutionWebhookParser(Clock clock) {
        this.clock = clock;
    }

    List<ProviderEvent> parse(byte[] body) {
        JsonNode root = Json.webhook(body);
        String event = Json.text(root, "event");
        Instant sentAt = Json.instant(root.path("date_time"), clock.instant());
        JsonNode data = root.path("data");
        var events = new ArrayList<ProviderEvent>();
        switch (event == null ? "" : event.toLowerCase(Locale.ROOT).replace('_', '.')) {
            case "messages.upsert" -> Json.elements(data).forEach(item -> message(item).ifPresent(events::add));
            case "messages.update" -> Json.elements(data).forEach(item -> status(item, sentAt).ifPresent(events::add));
            case "connection.update" -> Json.elements(data).forEach(item -> events.add(connection(item)));
            case "qrcode.updated" -> events.add(qrCode(data));
            case "chats.set", "chats.upsert", "chats.update", "contacts.set", "contacts.upsert", "contacts.update" ->
                    Json.elements(data).forEach(item -> lidMapping(item, sentAt).ifPresent(events::add));
            default -> {
            }
        }
        return events;
    }

    private Optional<InboundMessage> message(JsonNode data) {
        JsonNode key = data.path("key");
        String id = Json.id(key, "id");
        String remoteJid = Json.text(key, "remoteJid");
        if (id == null || remoteJid == null || !isPersonalChat(remoteJid)) {
            return Optional.empty();
        }
        boolean fromMe = Json.flag(key.path("fromMe"));
        var contact = contact(key, fromMe);
        if (contact.phone() == null && contact.lid() == null) {
            log.warn("skipping Evolution message {}: its chat id is neither a phone nor a LID", id);
            return Optional.empty();
        }
        String senderName = fromMe ? null : Json.text(data, "pushName");
        Instant timestamp = Json.instant(data.path("messageTimestamp"), clock.instant());
        return content(data, id).map(content -> new InboundMessage(id, contact.phone(), contact.lid(), senderName,
                content.text(), content.media(), timestamp, fromMe));
    }

    private static boolean isPersonalChat(String jid) {
        return jid.endsWith("@s.whatsapp.net") || jid.endsWith("@c.us") || jid.endsWith("@lid");
    }

    private record Contact(@Nullable String phone, @Nullable String lid) {
    }

    /**
     * The contact's phone and LID, as far as the key names them. The chat id ({@code remoteJid}) is one of the two and
     * {@code remoteJidAlt} the other when WhatsApp gave it (Evolution 2.3 puts the LID first, later versions swap
     * them so that {@code remoteJid} is the phone); Baileys' {@code senderPn} and {@code senderLid} name the sender,
     * who is the contact unless the number itself wrote.
     */
    private static Contact contact(JsonNode key, boolean fromMe) {
        var jids = new ArrayList<@Nullable String>();
        jids.add(Json.text(key, "remoteJid"));
        jids.add(Json.text(key, "remoteJidAlt"));
        if (!fromMe) {
            jids.add(Json.text(key, "senderPn"));
            jids.add(Json.text(key, "senderLid"));
        }
        return new Contact(first(jids, PhoneNumbers::fromJid), first(jids, Lids::fromJid));
    }

    private static @Nullable String first(List<@Nullable String> jids, Function<String, Optional<String>> reading) {
        return jids.stream().filter(Objects::nonNull).map(reading).flatMap(Optional::stream).findFirst().orElse(null);
    }

    /**
     * A chat or contact that names both a LID and a phone, such as {@code chats.set}'s {@code {remoteJid, remoteLid}}
     * (Evolution's contact events name one JID only; Baileys' contacts carry {@code id}, {@code lid} and
     * {@code phoneNumber}).
     */
    private static Optional<LidMapping> lidMapping(JsonNode item, Instant seenAt) {
        var jids = new ArrayList<@Nullable String>();
        for (String field : List.of("remoteJid", "remoteLid", "id", "lid", "jid", "phoneNumber")) {
            jids.add(Json.text(item, field));
        }
        String phone = first(jids, PhoneNumbers::fromJid);
        String lid = first(jids, Lids::fromJid);
        return phone == null || lid == null ? Optional.empty() : Optional.of(new LidMapping(lid, phone, seenAt));
    }

    private record Content(@Nullable String text, InboundMessage.@Nullable Media media) {
    }

    private static Optional<Content> content(JsonNode data, String id) {
        JsonNode message = unwrap(data.path("message"));
        String text = Json.text(message, "conversation");
        if (text != null) {
            return Optional.of(new Content(text, null));
        }
        text = Json.text(message.path("extendedTextMessage"), "text");
        if (text != null) {
            return Optional.of(new Content(text, null));
        }
        for (String kind : MEDIA) {
            JsonNode media = message.path(kind);
            if (media.isObject()) {
                return Optional.of(new Content(null, media(data, message, media, id)));
            }
        }
        String described = describe(message);
        if (described != null) {
            return Optional.of(new Content(described, null));
        }
        String type = Json.text(data, "messageType");
        if (type == null || NOT_MESSAGES.contains(type) || onlyProtocol(message)) {
            return Optional.empty();
        }
        return Optional.of(new Content(Descriptions.of(type, null), null));
    }

    private static JsonNode unwrap(JsonNode message) {
        for (String wrapper : WRAPPERS) {
            JsonNode inner = message.path(wrapper).path("message");
            if (inner.isObject()) {
                return unwrap(inner);
            }
        }
        return message;
    }

    private static boolean onlyProtocol(JsonNode message) {
        return message.isObject() && message.propertyNames().stream().allMatch(NOT_MESSAGES::contains);
    }

    /**
     * Evolution gives no usable media URL by default ({@code url} points to WhatsApp's encrypted CDN); with S3
     * storage on it adds {@code mediaUrl}. The message id always fetches the file (getBase64FromMediaMessage).
     */
    private static InboundMessage.Media media(JsonNode data, JsonNode message, JsonNode media, String id) {
        String mediaUrl = Json.firstText(message, "mediaUrl");
        if (mediaUrl == null) {
            mediaUrl = Json.text(data, "mediaUrl");
        }
        return new InboundMessage.Media(
                MediaFiles.url(mediaUrl),
                id,
                Json.text(media, "mimetype"),
                Json.text(media, "caption"),
                Json.firstText(media, "fileName", "title"));
    }

    private static @Nullable String describe(JsonNode message) {
        for (String kind : List.of("locationMessage", "liveLocationMessage")) {
            JsonNode location = message.path(kind);
            if (location.isObject()) {
                return Descriptions.location(Json.text(location, "degreesLatitude"),
                        Json.text(location, "degreesLongitude"), Json.text(location, "name"),
                        Json.text(location, "address"));
            }
        }
        if (message.path("contactMessage").isObject()) {
            return Descriptions.contacts(List.of(contactName(message.path("contactMessage"))));
        }
        if (message.path("contactsArrayMessage").isObject()) {
            return Descriptions.contacts(Json.elements(message.path("contactsArrayMessage").path("contacts"))
                    .stream().map(EvolutionWebhookParser::contactName).toList());
        }
        if (message.path("reactionMessage").isObject()) {
            return Descriptions.reaction(Json.text(message.path("reactionMessage"), "text"));
        }
        if (message.path("buttonsResponseMessage").isObject()) {
            return Descriptions.of("button reply", Json.firstText(message.path("buttonsResponseMessage"),
                    "selectedDisplayText", "selectedButtonId"));
        }
        if (message.path("templateButtonReplyMessage").isObject()) {
            return Descriptions.of("button reply", Json.firstText(message.path("templateButtonReplyMessage"),
                    "selectedDisplayText", "selectedId"));
        }
        if (message.path("listResponseMessage").isObject()) {
            JsonNode reply = message.path("listResponseMessage");
            String title = Json.text(reply, "title");
            return Descriptions.of("list reply",
                    title != null ? title : Json.text(reply.path("singleSelectReply"), "selectedRowId"));
        }
        for (String kind : List.of("pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3")) {
            if (message.path(kind).isObject()) {
                return Descriptions.of("poll", Json.text(message.path(kind), "name"));
            }
        }
        return null;
    }

    private static String contactName(JsonNode contact) {
        String name = Json.text(contact, "displayName");
        return name == null ? "(no name)" : name;
    }

    /** {@code data: {keyId, remoteJid, fromMe, status, messageId}}; the WhatsApp id is {@code keyId}. */
    private Optional<StatusUpdate> status(JsonNode data, Instant sentAt) {
        String id = Json.id(data, "keyId");
        if (id == null) {
            id = Json.id(data.path("key"), "id");
        }
        // a status of a message someone sent us (e.g. read on the phone) says nothing about our messages
        boolean received = data.has("fromMe") && !Json.flag(data.path("fromMe"));
        MessageStatus status = status(Json.text(data, "status"));
        if (id == null || received || status == null) {
            return Optional.empty();
        }
        String error = status == MessageStatus.FAILED ? "ERROR" : null;
        return Optional.of(new StatusUpdate(id, status, error, null, sentAt));
    }

    private static @Nullable MessageStatus status(@Nullable String status) {
        return switch (status == null ? "" : status.toUpperCase(Locale.ROOT)) {
            case "ERROR", "0" -> MessageStatus.FAILED;
            case "PENDING", "1" -> MessageStatus.PENDING;
            case "SERVER_ACK", "2" -> MessageStatus.SENT;
            case "DELIVERY_ACK", "3" -> MessageStatus.DELIVERED;
            case "READ", "4", "PLAYED", "5" -> MessageStatus.READ;
            default -> null; // DELETED and anything new: not a delivery status
        };
    }

    /**
     * {@code data: {qrcode: {instance, pairingCode, code, base64}}}, or, when Evolution gives up after
     * {@code QRCODE_LIMIT} codes, {@code {message, statusCode}} (a {@code connection.update} refused follows).
     */
    private static ConnectionUpdate qrCode(JsonNode data) {
        if (data.path("qrcode").isObject()) {
            return new ConnectionUpdate(EvolutionAdapter.qrCode(data.path("qrcode")));
        }
        String message = Json.text(data, "message");
        return new ConnectionUpdate(ConnectionState.refused(message == null ? "QR code limit reached" : message));
    }

    /** {@code data: {instance, wuid, profileName, state: open|connecting|close|refused, statusReason}}. */
    private static ConnectionUpdate connection(JsonNode data) {
        String state = Json.text(data, "state");
        String reason = Json.text(data, "statusReason");
        String detail = state == null ? null : reason == null ? state : state + " (status reason " + reason + ")";
        return new ConnectionUpdate(switch (state == null ? "" : state) {
            case "open" -> ConnectionState.connected(detail, UazapiAdapter.phone(data.path("wuid"), data),
                    Json.text(data, "profileName"));
            case "connecting" -> ConnectionState.connecting(detail);
            case "close" -> ConnectionState.disconnected(detail);
            case "refused" -> ConnectionState.refused(detail);
            default -> ConnectionState.error(detail == null ? "unknown connection state" : detail);
        });
    }
}
