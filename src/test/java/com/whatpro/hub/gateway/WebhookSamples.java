package com.whatpro.hub.gateway;

import com.whatpro.hub.HostileJson;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The well-formed webhooks the fuzz tests start from: every published sample there is (Meta's and pywa's Cloud API
 * examples, the captured Chatwoot payloads), uazapi messages built from its OpenAPI document's {@code Message}
 * schema, and the Evolution envelopes the other tests build (Evolution publishes no webhook examples).
 */
final class WebhookSamples {

    private static final com.fasterxml.jackson.databind.ObjectMapper SWAGGER_JSON =
            io.swagger.v3.core.util.Json.mapper();

    private WebhookSamples() {
    }

    /** Every JSON file under the test resource folder, recursively. */
    static List<JsonNode> files(String folder) {
        try {
            var directory = Path.of(Objects.requireNonNull(WebhookSamples.class.getResource(folder), folder).toURI());
            try (Stream<Path> files = Files.walk(directory)) {
                return files.filter(file -> file.toString().endsWith(".json")).sorted()
                        .map(file -> read(file)).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Gateway.JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> cloudApi() {
        return files("/specs/meta-cloud-api/webhook-examples");
    }

    /** Chatwoot's captured payloads, moved into the given Chatwoot account and inbox so that the hub takes them up. */
    static List<JsonNode> chatwoot(long chatwootAccount, long inbox) {
        var samples = new ArrayList<JsonNode>();
        for (var sample : files("/chatwoot/webhooks")) {
            var root = (ObjectNode) sample;
            if (root.get("account") instanceof ObjectNode account) {
                account.put("id", chatwootAccount);
            }
            if (root.get("inbox") instanceof ObjectNode box) {
                box.put("id", inbox);
            }
            var conversation = root.has("conversation") ? root.get("conversation") : root;
            if (conversation instanceof ObjectNode object && object.has("inbox_id")) {
                object.put("inbox_id", inbox);
            }
            samples.add(root);
        }
        samples.add(Gateway.chatwootReply(chatwootAccount, inbox, 77, 9001, "Olá! Segue o orçamento.",
                "+5511977770000"));
        return samples;
    }

    /** uazapi: both envelopes around a {@code Message} made from the OpenAPI schema, plus receipts and states. */
    static List<JsonNode> uazapi() {
        var api = new OpenAPIV3Parser().read(Objects.requireNonNull(
                WebhookSamples.class.getResource("/specs/uazapi.openapi.fixed.yaml")).toString());
        var schemas = api.getComponents().getSchemas();
        var message = (ObjectNode) example(schemas.get("Message"));
        message.put("messageid", "3EB0A1B2C3D4E5F6").put("chatid", "5511988887777@s.whatsapp.net")
                .put("sender", "5511988887777@s.whatsapp.net").put("senderName", "Maria")
                .put("messageTimestamp", 1_706_112_000_000L).put("text", "Oi, tudo bem?").put("fromMe", false)
                .put("isGroup", false).put("messageType", "text");
        var image = message.deepCopy().put("messageid", "3EB0IMAGE01").put("messageType", "image")
                .put("fileURL", HostileJson.CLOSED + "3EB0IMAGE01.jpg")
                .put("content", "{\"mimetype\": \"image/jpeg\", \"caption\": \"nossa loja\"}");
        var lidMessage = message.deepCopy().put("messageid", "3EB0LID01").put("chatid", "123456789012345@lid")
                .put("sender_pn", "5511988887777@s.whatsapp.net");
        var instance = example(schemas.get("Instance"));
        var samples = new ArrayList<JsonNode>();
        for (var data : List.of(message, image, lidMessage)) {
            samples.add(Gateway.JSON.createObjectNode().put("event", "message").put("instance", "r183e2ef9597845")
                    .set("data", data));
            var v2 = Gateway.JSON.createObjectNode().put("EventType", "messages").put("owner", "5511900000000")
                    .put("token", "uaz").set("message", data);
            ((ObjectNode) v2).putObject("chat").put("wa_chatid", "5511988887777@s.whatsapp.net")
                    .put("wa_chatlid", "123456789012345@lid").put("wa_contactName", "Maria").put("wa_isGroup", false);
            samples.add(v2);
        }
        samples.add(Gateway.JSON.readTree("""
                {"event": "status", "instance": "r183e2ef9597845",
                 "data": {"messageid": "3EB0A1B2C3D4E5F6", "status": "read", "messageTimestamp": 1706112000000}}"""));
        samples.add(Gateway.JSON.readTree("""
                {"EventType": "messages_update", "state": "Delivered",
                 "event": {"MessageIDs": ["3EB0A1B2C3D4E5F6"], "Type": "Delivered", "Timestamp": "2024-01-24T16:00:00Z",
                           "Chat": "5511988887777@s.whatsapp.net", "IsFromMe": true}}"""));
        samples.add(Gateway.JSON.createObjectNode().put("event", "connection").set("data", instance));
        samples.add(Gateway.JSON.createObjectNode().put("EventType", "connection").set("instance", instance));
        samples.add(Gateway.JSON.readTree("""
                {"EventType": "chats", "chat": {"wa_chatid": "5511988887777@s.whatsapp.net",
                 "wa_chatlid": "123456789012345@lid", "wa_isGroup": false}}"""));
        return samples;
    }

    /** Evolution API v2 envelopes of every event the hub reads. */
    static List<JsonNode> evolution(String instance) {
        var samples = new ArrayList<JsonNode>();
        samples.add(Gateway.JSON.readTree(Gateway.evolutionMessage(instance, "3EB0EVO01", "5511977776666@s.whatsapp.net",
                "Bia", "Quero um orçamento", false)));
        samples.add(upsert(instance, """
                {"key": {"remoteJid": "123456789012345@lid", "remoteJidAlt": "5511977776666@s.whatsapp.net",
                         "fromMe": false, "id": "3EB0EVO02"},
                 "pushName": "Bia", "messageType": "imageMessage", "messageTimestamp": {"low": 1717689097, "high": 0},
                 "message": {"imageMessage": {"mimetype": "image/jpeg", "caption": "foto", "url": "%s"},
                             "mediaUrl": "%s"}}""".formatted(HostileJson.CLOSED + "enc", HostileJson.CLOSED + "a.jpg")));
        samples.add(upsert(instance, """
                {"key": {"remoteJid": "5511977776666@s.whatsapp.net", "fromMe": true, "id": "3EB0EVO03"},
                 "messageType": "ephemeralMessage", "messageTimestamp": "1717689097",
                 "message": {"ephemeralMessage": {"message": {"extendedTextMessage": {"text": "até amanhã"}}}}}"""));
        samples.add(upsert(instance, """
                {"key": {"remoteJid": "5511977776666@s.whatsapp.net", "fromMe": false, "id": "3EB0EVO04"},
                 "messageType": "locationMessage",
                 "message": {"locationMessage": {"degreesLatitude": -23.5, "degreesLongitude": -46.6, "name": "Loja"}}}"""));
        samples.add(upsert(instance, """
                {"key": {"remoteJid": "5511977776666@s.whatsapp.net", "fromMe": false, "id": "3EB0EVO05"},
                 "messageType": "contactsArrayMessage",
                 "message": {"contactsArrayMessage": {"contacts": [{"displayName": "Ana"}, {"displayName": "Rui"}]}}}"""));
        samples.add(Gateway.JSON.readTree(Gateway.evolutionStatus(instance, "3EB0EVO01", "READ")));
        samples.add(Gateway.JSON.readTree(Gateway.evolution(instance, "connection.update", Gateway.JSON.readTree("""
                {"instance": "%s", "wuid": "5511900000000@s.whatsapp.net", "state": "close", "statusReason": 401}"""
                .formatted(instance)))));
        samples.add(Gateway.JSON.readTree(Gateway.evolution(instance, "contacts.upsert", Gateway.JSON.readTree("""
                [{"remoteJid": "5511977776666@s.whatsapp.net", "remoteLid": "123456789012345@lid", "pushName": "Bia"}]
                """))));
        return samples;
    }

    private static JsonNode upsert(String instance, String data) {
        return Gateway.JSON.readTree(Gateway.evolution(instance, "messages.upsert", Gateway.JSON.readTree(data)));
    }

    /** An example of a schema: its example, enum or default where it gives one, else a value of its type. */
    @SuppressWarnings("rawtypes")
    private static JsonNode example(Schema schema) {
        if (schema.getExample() != null) {
            try {
                return Gateway.JSON.readTree(SWAGGER_JSON.writeValueAsString(schema.getExample()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        if (schema.getProperties() != null) {
            var object = Gateway.JSON.createObjectNode();
            for (var property : ((Map<String, Schema>) schema.getProperties()).entrySet()) {
                object.set(property.getKey(), example(property.getValue()));
            }
            return object;
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return Gateway.JSON.valueToTree(schema.getEnum().getFirst());
        }
        if (schema.getDefault() != null) {
            return Gateway.JSON.valueToTree(schema.getDefault());
        }
        var type = schema.getType() != null ? schema.getType()
                : schema.getTypes() == null || schema.getTypes().isEmpty() ? "string"
                : (String) schema.getTypes().iterator().next();
        return switch (type) {
            case "integer", "number" -> Gateway.JSON.getNodeFactory().numberNode(0);
            case "boolean" -> Gateway.JSON.getNodeFactory().booleanNode(false);
            case "array" -> Gateway.JSON.createArrayNode();
            case "object" -> Gateway.JSON.createObjectNode();
            default -> Gateway.JSON.getNodeFactory().stringNode("x");
        };
    }
}
