package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Steps of the gateway stories, taken through the public API and webhooks as providers and Chatwoot would. */
final class Gateway {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Gateway() {
    }

    /** A provider as created, with the webhook path (the URL's path) and the key the fake provider files it under. */
    record Provider(UUID id, String webhookPath, String key, JsonNode created) {
    }

    static String unique(String prefix) {
        return prefix + SEQUENCE.incrementAndGet() + UUID.randomUUID().toString().substring(0, 6);
    }

    static Provider evolution(TestHttp http, String adminToken, long account, @Nullable String webhookToken,
            @Nullable Long inbox) {
        var instance = unique("acme-");
        var credentials = new LinkedHashMap<String, Object>();
        credentials.put("api_key", "evo-key-" + instance);
        if (webhookToken != null) {
            credentials.put("webhook_token", webhookToken);
        }
        return create(http, adminToken, account, body("evolution", instance, FakeProviders.get().baseUrl(), instance,
                inbox, credentials), instance);
    }

    static Provider uazapi(TestHttp http, String adminToken, long account, @Nullable String webhookToken,
            @Nullable Long inbox) {
        var token = unique("uaz-token-");
        var credentials = new LinkedHashMap<String, Object>();
        credentials.put("token", token);
        if (webhookToken != null) {
            credentials.put("webhook_token", webhookToken);
        }
        return create(http, adminToken, account, body("uazapi", unique("uazapi "), FakeProviders.get().baseUrl(), null,
                inbox, credentials), token);
    }

    static Provider cloudApi(TestHttp http, String adminToken, long account, String appSecret, String verifyToken,
            @Nullable Long inbox) {
        return cloudApi(http, adminToken, account, appSecret, verifyToken, inbox, Long.toString(100_000_000_000L
                + SEQUENCE.incrementAndGet() * 7919L + (System.nanoTime() % 1_000_000)));
    }

    /** A Cloud API number with this phone number id (its key). */
    static Provider cloudApi(TestHttp http, String adminToken, long account, String appSecret, String verifyToken,
            @Nullable Long inbox, String phoneNumberId) {
        var credentials = Map.<String, Object>of("access_token", "EAAG-" + phoneNumberId, "app_secret", appSecret,
                "verify_token", verifyToken, "phone_number_id", phoneNumberId);
        return create(http, adminToken, account, body("cloud_api", unique("meta "), FakeProviders.get().baseUrl(),
                null, inbox, credentials), phoneNumberId);
    }

    private static Map<String, Object> body(String type, String name, String baseUrl, @Nullable String instance,
            @Nullable Long inbox, Map<String, Object> credentials) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", type);
        body.put("base_url", baseUrl);
        if (instance != null) {
            body.put("instance_name", instance);
        }
        if (inbox != null) {
            body.put("chatwoot_inbox_id", inbox);
        }
        body.put("credentials", credentials);
        return body;
    }

    private static Provider create(TestHttp http, String adminToken, long account, Map<String, Object> body,
            String key) {
        var response = http.bearer(adminToken).post("/api/v1/accounts/" + account + "/providers", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var json = response.json();
        return new Provider(UUID.fromString(json.get("id").asString()),
                URI.create(json.get("webhook_url").asString()).getPath(), key, json);
    }

    /** The contact wrote to the number just now, as far as the service window goes. */
    static void openServiceWindow(long account, UUID provider, String e164) {
        sql("insert into gateway_service_windows (account_id, provider_id, contact_address, last_inbound_at) values ("
                + account + ", '" + provider + "', '" + e164 + "', now()) on conflict (account_id, provider_id, "
                + "contact_address) do update set last_inbound_at = now()");
    }

    /** Connects the account to the fake Chatwoot; returns the path of the hub's Chatwoot webhook URL. */
    static String connectChatwoot(TestHttp http, String adminToken, long account, long chatwootAccount,
            @Nullable Long inbox, @Nullable String webhookSecret) {
        var body = new LinkedHashMap<String, Object>();
        body.put("base_url", FakeChatwoot.get().baseUrl());
        body.put("chatwoot_account_id", chatwootAccount);
        if (inbox != null) {
            body.put("inbox_id", inbox);
        }
        body.put("api_token", "cw-token-" + chatwootAccount);
        if (webhookSecret != null) {
            body.put("webhook_secret", webhookSecret);
        }
        var response = http.bearer(adminToken).put("/api/v1/accounts/" + account + "/chatwoot", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return URI.create(response.json().get("webhook_url").asString()).getPath();
    }

    static TestHttp.Response post(TestHttp http, String path, String body, Map<String, String> headers) {
        var request = http.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request);
    }

    // Evolution API envelopes (its source: event, instance, data, date_time, sender, server_url, apikey)

    static String evolutionMessage(String instance, String id, String remoteJid, String pushName, String text,
            boolean fromMe) {
        var data = JSON.createObjectNode();
        data.putObject("key").put("remoteJid", remoteJid).put("fromMe", fromMe).put("id", id);
        data.put("pushName", pushName).put("status", "DELIVERY_ACK").put("messageType", "conversation")
                .put("messageTimestamp", 1_717_689_097L).put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001")
                .put("source", "android");
        data.putObject("message").put("conversation", text);
        return evolution(instance, "messages.upsert", data);
    }

    static String evolutionStatus(String instance, String id, String status) {
        var data = JSON.createObjectNode().put("keyId", id).put("remoteJid", "5511999999999@s.whatsapp.net")
                .put("fromMe", true).put("status", status).put("messageId", "cm0f6x1a20001")
                .put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001");
        return evolution(instance, "messages.update", data);
    }

    static String evolution(String instance, String event, JsonNode data) {
        var root = JSON.createObjectNode().put("event", event).put("instance", instance);
        root.set("data", data);
        root.put("destination", "https://hub.example.com/webhook").put("date_time", "2024-06-06T13:38:17.123Z")
                .put("sender", "5511888888888@s.whatsapp.net").put("server_url", "https://evolution.example.com");
        return JSON.writeValueAsString(root);
    }

    // Meta's Cloud API: the official examples, with the ids a test needs

    static String cloudExample(String name) {
        return resource("/specs/meta-cloud-api/webhook-examples/" + name);
    }

    /** One of Meta's webhook examples, for this Cloud API number: its {@code metadata.phone_number_id}. */
    static String cloudExample(String name, Provider number) {
        return cloudExample(name).replaceAll("(\"phone_number_id\"\\s*:\\s*\")[^\"]*\"",
                "$1" + number.key() + "\"");
    }

    static String metaSignature(String appSecret, String body) {
        return "sha256=" + hmac(appSecret, body.getBytes(StandardCharsets.UTF_8));
    }

    // Chatwoot: captured payloads, with the ids a test needs

    /**
     * Chatwoot's {@code message_created} for an agent's reply (the captured web widget sample), moved into the given
     * Chatwoot account, inbox and conversation, with this message id and content.
     */
    static ObjectNode chatwootReply(long chatwootAccount, long inbox, long conversation, long messageId,
            String content, String contactPhone) {
        var root = (ObjectNode) JSON.readTree(resource("/chatwoot/webhooks/message_created.outgoing.webwidget.json"));
        root.put("id", messageId).put("content", content);
        ((ObjectNode) root.get("account")).put("id", chatwootAccount);
        ((ObjectNode) root.get("inbox")).put("id", inbox);
        var conversationNode = (ObjectNode) root.get("conversation");
        conversationNode.put("id", conversation).put("inbox_id", inbox).put("channel", "Channel::Api");
        ((ObjectNode) conversationNode.get("meta").get("sender")).put("phone_number", contactPhone);
        return root;
    }

    static String chatwootSignature(String secret, String timestamp, String body) {
        return "sha256=" + hmac(secret, (timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> chatwootHeaders(@Nullable String secret, String deliveryId, String body) {
        var headers = new LinkedHashMap<String, String>();
        headers.put("X-Chatwoot-Delivery", deliveryId);
        if (secret != null) {
            var timestamp = Long.toString(System.currentTimeMillis() / 1000);
            headers.put("X-Chatwoot-Timestamp", timestamp);
            headers.put("X-Chatwoot-Signature", chatwootSignature(secret, timestamp, body));
        }
        return headers;
    }

    /** Runs SQL as the owner of the test database (past row-level security), to set up or inspect a story. */
    static void sql(String statement) {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var run = connection.createStatement()) {
            run.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row, as the owner of the test database. */
    static String query(String sql) {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = Objects.requireNonNull(Gateway.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hmac(String secret, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
