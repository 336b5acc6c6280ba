package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.AddressedEvents;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.MessageStatus;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.StatusUpdate;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Cloud API webhooks: {@code {object: whatsapp_business_account, entry: [{changes: [{field, value}]}]}}. Changes of
 * field {@code messages} carry {@code messages} (inbound, with the senders in {@code contacts}) and
 * {@code statuses}; other fields (group lifecycle, templates, account updates) carry nothing for the bridge. Each
 * change names the number it is for in {@code value.metadata.phone_number_id}.
 */
final class CloudApiWebhookParser {

    private final Clock clock;

    CloudApiWebhookParser(Clock clock) {
        this.clock = clock;
    }

    List<ProviderEvent> parse(byte[] body) {
        return parseAddressed(body).stream().flatMap(addressed -> addressed.events().stream()).toList();
    }

    /**
     * The events of each change with the number it names ({@code value.metadata.phone_number_id}, null when it
     * names none); changes without events are left out.
     */
    List<AddressedEvents> parseAddressed(byte[] body) {
        JsonNode root = Json.webhook(body);
        var addressed = new ArrayList<AddressedEvents>();
        for (JsonNode entry : Json.elements(root.path("entry"))) {
            for (JsonNode change : Json.elements(entry.path("changes"))) {
                if (!"messages".equals(Json.text(change, "field"))) {
                    continue;
                }
                JsonNode value = change.path("value");
                var events = new ArrayList<ProviderEvent>();
                for (JsonNode message : Json.elements(value.path("messages"))) {
                    inbound(message, value.path("contacts")).ifPresent(events::add);
                }
                for (JsonNode status : Json.elements(value.path("statuses"))) {
                    status(status).ifPresent(events::add);
                }
                if (!events.isEmpty()) {
                    addressed.add(new AddressedEvents(Json.id(value.path("metadata"), "phone_number_id"), events));
                }
            }
        }
        return addressed;
    }

    private Optional<InboundMessage> inbound(JsonNode message, JsonNode contacts) {
        String id = Json.id(message, "id");
        String from = Json.text(message, "from");
        if (id == null || from == null || message.has("group_id")) {
            return Optional.empty();
        }
        String phone;
        try {
            phone = PhoneNumbers.toE164(from);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Instant timestamp = Json.instant(message.path("timestamp"), clock.instant());
        String name = senderName(contacts, from);
        String type = Objects.requireNonNullElse(Json.text(message, "type"), "unknown");
        JsonNode content = message.path(type);
        return Optional.of(switch (type) {
            case "text" -> new InboundMessage(id, phone, name, Json.text(content, "body"), null, timestamp, false);
            case "image", "video", "audio", "document", "sticker" -> media(content)
                    .map(media -> new InboundMessage(id, phone, name, null, media, timestamp, false))
                    .orElseGet(() -> new InboundMessage(id, phone, name,
                            Descriptions.of(type, Json.text(content, "caption")), null, timestamp, false));
            default -> new InboundMessage(id, phone, name, describe(type, content, message), null, timestamp, false);
        });
    }

    private static @Nullable String senderName(JsonNode contacts, String from) {
        List<JsonNode> all = Json.elements(contacts);
        return all.stream()
                .filter(contact -> from.equals(Json.text(contact, "wa_id")))
                .findFirst()
                .or(() -> all.size() == 1 ? Optional.of(all.getFirst()) : Optional.empty())
                .map(contact -> Json.text(contact.path("profile"), "name"))
                .orElse(null);
    }

    /**
     * Inbound media carry a media id (fetched via {@code GET /{media-id}}) and, lately, a direct {@code url}; with
     * neither (or neither usable) there is nothing to fetch, and the message is posted as its label.
     */
    private static Optional<InboundMessage.Media> media(JsonNode content) {
        URI url = MediaFiles.url(Json.text(content, "url"));
        String mediaId = Json.id(content, "id");
        if (url == null && mediaId == null) {
            return Optional.empty();
        }
        return Optional.of(new InboundMessage.Media(url, mediaId, Json.text(content, "mime_type"),
                Json.text(content, "caption"), Json.text(content, "filename")));
    }

    private static String describe(String type, JsonNode content, JsonNode message) {
        return switch (type) {
            case "location" -> Descriptions.location(Json.text(content, "latitude"), Json.text(content, "longitude"),
                    Json.text(content, "name"), Json.text(content, "address"));
            case "contacts" -> Descriptions.contacts(Json.elements(message.path("contacts")).stream()
                    .map(CloudApiWebhookParser::contact).toList());
            case "reaction" -> Descriptions.reaction(Json.text(content, "emoji"));
            case "button" -> Descriptions.of("button", Json.firstText(content, "text", "payload"));
            case "interactive" -> interactive(content);
            case "order" -> order(content);
            case "system" -> Descriptions.of("system", Json.text(content, "body"));
            case "unsupported" -> Descriptions.of("unsupported",
                    Stream.of(Json.text(content, "type"), errorText(message.path("errors").path(0)))
                            .filter(Objects::nonNull).collect(Collectors.joining(": ")));
            default -> Descriptions.of(type, Json.firstText(content, "body", "text"));
        };
    }

    private static String contact(JsonNode contact) {
        String name = Json.text(contact.path("name"), "formatted_name");
        String phones = Json.elements(contact.path("phones")).stream()
                .map(phone -> Json.text(phone, "phone"))
                .filter(Objects::nonNull)
                .collect(Collectors.joining(", "));
        return Stream.of(name, phones.isEmpty() ? null : phones).filter(Objects::nonNull)
                .collect(Collectors.joining(" "));
    }

    private static String interactive(JsonNode interactive) {
        String kind = Json.text(interactive, "type");
        if ("button_reply".equals(kind)) {
            return Descriptions.of("button reply", Json.text(interactive.path("button_reply"), "title"));
        }
        if ("list_reply".equals(kind)) {
            JsonNode reply = interactive.path("list_reply");
            return Descriptions.of("list reply", Stream.of(Json.text(reply, "title"), Json.text(reply, "description"))
                    .filter(Objects::nonNull).collect(Collectors.joining(" - ")));
        }
        if ("nfm_reply".equals(kind)) {
            return Descriptions.of("flow reply", Json.firstText(interactive.path("nfm_reply"), "body", "name"));
        }
        return Descriptions.of("interactive", kind);
    }

    private static String order(JsonNode order) {
        String items = Json.elements(order.path("product_items")).stream()
                .map(item -> Json.text(item, "quantity") + " x " + Json.text(item, "product_retailer_id") + " @ "
                        + Json.text(item, "item_price") + " " + Json.text(item, "currency"))
                .collect(Collectors.joining("; "));
        String text = Json.text(order, "text");
        return Descriptions.of("order", text == null ? items : items + " - " + text);
    }

    private Optional<StatusUpdate> status(JsonNode status) {
        String id = Json.id(status, "id");
        MessageStatus value = switch (Objects.requireNonNullElse(Json.text(status, "status"), "")) {
            case "sent" -> MessageStatus.SENT;
            case "delivered" -> MessageStatus.DELIVERED;
            case "read", "played" -> MessageStatus.READ;
            case "failed" -> MessageStatus.FAILED;
            default -> null; // deleted, warning and future ones
        };
        if (id == null || value == null) {
            return Optional.empty();
        }
        JsonNode error = status.path("errors").path(0);
        boolean failed = value == MessageStatus.FAILED;
        return Optional.of(new StatusUpdate(id, value,
                failed ? Json.text(error, "code") : null,
                failed ? errorText(error) : null,
                Json.instant(status.path("timestamp"), clock.instant())));
    }

    private static @Nullable String errorText(JsonNode error) {
        String title = Json.firstText(error, "title", "message");
        String details = Json.text(error.path("error_data"), "details");
        if (details == null || details.equals(title)) {
            return title;
        }
        return title == null ? details : title + " - " + details;
    }
}
