package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole working day in the log, and not one secret in it: sign-ins (good, wrong and with a password typed into the
 * e-mail field), an API key created and used, providers of all three kinds created with their credentials, the
 * Chatwoot connection set with its token and signing secret, webhooks of every kind (Meta's handshake with its verify
 * token in the query included), a reply bridged to WhatsApp, a provider error that quotes a URL with a token, and
 * webhooks with guessed secrets. The log runs at DEBUG for the hub and Spring MVC (which logs every request's URL
 * and query), so far more is written than in production; the access log still shows each webhook, its secret masked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.com.whatpro=debug", "logging.level.org.springframework.web=debug"})
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsTests {

    private static final List<String> VERBOSE = List.of("com.whatpro", "org.springframework.web");
    static final long INBOX = 61;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        var properties = new LinkedHashMap<>(TestInfrastructure.properties());
        properties.put("whatpro.web.access-log", "true");
        properties.forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void quietAgain() {
        var logging = LoggingSystem.get(SecretsInLogsTests.class.getClassLoader());
        VERBOSE.forEach(logger -> logging.setLogLevel(logger, null));
    }

    @Test
    void noSecretUsedInAFullRunReachesTheLog(CapturedOutput output) {
        var http = TestHttp.at(port);
        var fixtures = new Fixtures(http);
        var secrets = new ArrayList<String>();

        // sign-ins
        var tenant = fixtures.tenant("Secrets");
        secrets.add(Fixtures.PASSWORD);
        secrets.add(Fixtures.ADMIN_PASSWORD);
        secrets.add(tenant.admin().token());
        secrets.add(fixtures.superAdmin());
        var wrongPassword = "wrong-Pa55word-" + UUID.randomUUID();
        var typedIntoEmail = "Typed-Into-Email-" + UUID.randomUUID();
        secrets.add(wrongPassword);
        secrets.add(typedIntoEmail);
        assertThat(fixtures.loginResponse(tenant.admin().email(), wrongPassword).status()).isEqualTo(401);
        assertThat(fixtures.loginResponse(typedIntoEmail, "").status()).isBetween(400, 499);
        assertThat(fixtures.loginResponse(typedIntoEmail, typedIntoEmail).status()).isBetween(400, 499);

        // an API key, created and used
        var apiKey = fixtures.apiKey(tenant.admin().token(), tenant.id(), "providers:read");
        secrets.add(apiKey);
        assertThat(http.bearer(apiKey).get("/api/v1/accounts/" + tenant.id() + "/providers").status()).isEqualTo(200);
        assertThat(http.bearer(apiKey + "x").get("/api/v1/accounts/" + tenant.id() + "/providers").status())
                .isEqualTo(401);

        // the Chatwoot connection and the providers, with their credentials
        var chatwoot = FakeChatwoot.get();
        var chatwootAccount = chatwoot.newAccount();
        var signingSecret = "cw-signing-" + UUID.randomUUID();
        var chatwootWebhook = Gateway.connectChatwoot(http, tenant.admin().token(), tenant.id(), chatwootAccount, INBOX,
                signingSecret);
        secrets.add(signingSecret);
        secrets.add("cw-token-" + chatwootAccount);
        secrets.add(lastSegment(chatwootWebhook));

        var evolutionToken = "evo-hook-" + UUID.randomUUID();
        var evolution = Gateway.evolution(http, tenant.admin().token(), tenant.id(), evolutionToken, INBOX);
        secrets.add(evolutionToken);
        secrets.add("evo-key-" + evolution.key());
        secrets.add(lastSegment(evolution.webhookPath()));

        var uazapiToken = "uaz-hook-" + UUID.randomUUID();
        var uazapi = Gateway.uazapi(http, tenant.admin().token(), tenant.id(), uazapiToken, INBOX + 1);
        secrets.add(uazapiToken);
        secrets.add(uazapi.key());
        secrets.add(lastSegment(uazapi.webhookPath()));

        var appSecret = "meta-app-" + UUID.randomUUID();
        var verifyToken = "meta-verify-" + UUID.randomUUID();
        var cloud = Gateway.cloudApi(http, tenant.admin().token(), tenant.id(), appSecret, verifyToken,
                INBOX + 2);
        secrets.add(appSecret);
        secrets.add(verifyToken);
        secrets.add("EAAG-" + cloud.key());
        secrets.add(lastSegment(cloud.webhookPath()));

        // webhooks of every kind
        var handshake = http.get(cloud.webhookPath() + "?hub.mode=subscribe&hub.verify_token=" + verifyToken
                + "&hub.challenge=1158201444");
        assertThat(handshake.status()).isEqualTo(200);
        var cloudBody = Gateway.cloudExample("inbound.text-message.json", cloud);
        assertThat(Gateway.post(http, cloud.webhookPath(), cloudBody,
                Map.of("X-Hub-Signature-256", Gateway.metaSignature(appSecret, cloudBody))).status()).isEqualTo(200);
        var uazapiBody = """
                {"event": "message", "instance": "r183e2ef9597845", "token": "%s",
                 "data": {"id": "r1a2b3c4", "messageid": "3EB0%s", "chatid": "5511999990001@s.whatsapp.net",
                  "fromMe": false, "isGroup": false, "messageType": "text", "messageTimestamp": 1706112000000,
                  "sender": "5511999990001@s.whatsapp.net", "senderName": "João Silva", "text": "Olá"}}"""
                .formatted(uazapiToken, UUID.randomUUID().toString().substring(0, 8));
        assertThat(Gateway.post(http, uazapi.webhookPath(), uazapiBody, Map.of()).status()).isEqualTo(200);
        var inbound = Gateway.evolutionMessage(evolution.key(), "3EB0" + UUID.randomUUID().toString().substring(0, 8),
                "5511987650091@s.whatsapp.net", "Ana", "a secret-free hello", false);
        assertThat(Gateway.post(http, evolution.webhookPath(), inbound, Map.of("x-webhook-token", evolutionToken))
                .status()).isEqualTo(200);
        Eventually.until("the message is in Chatwoot", () -> chatwoot.messages(chatwootAccount).stream()
                .anyMatch(message -> "a secret-free hello".equals(message.content())));

        // an agent's reply, bridged to WhatsApp, that the provider refuses quoting a URL with a token
        var providerLeak = "leaky-provider-token-" + UUID.randomUUID();
        secrets.add(providerLeak);
        var refusal = FakeProviders.get().fail("POST", "/message/sendText/" + evolution.key(), 400,
                "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"see https://cdn.test/x?"
                        + "access_token=" + providerLeak + "\"]}}");
        try {
            var conversation = chatwoot.seedConversation(chatwootAccount, INBOX, "Ana", "+5511987650091");
            var seeded = chatwoot.seedReply(chatwootAccount, conversation.id(), "on my way");
            var reply = Gateway.JSON.writeValueAsString(Gateway.chatwootReply(chatwootAccount, INBOX,
                    conversation.id(), seeded.id(), "on my way", "+5511987650091"));
            assertThat(Gateway.post(http, chatwootWebhook, reply,
                    Gateway.chatwootHeaders(signingSecret, UUID.randomUUID().toString(), reply)).status())
                    .isEqualTo(200);
            Eventually.until("Chatwoot shows the refusal", () -> chatwoot.messages(chatwootAccount).stream()
                    .anyMatch(message -> message.id() == seeded.id() && "failed".equals(message.status())));
        } finally {
            FakeProviders.get().remove(refusal);
        }

        // guessed secrets
        var guess = "guessed-" + UUID.randomUUID();
        secrets.add(guess);
        assertThat(Gateway.post(http, "/api/v1/webhooks/providers/" + evolution.id() + "/" + guess, inbound, Map.of())
                .status()).isEqualTo(404);
        assertThat(Gateway.post(http, "/api/v1/webhooks/chatwoot/" + tenant.id() + "/" + guess, reply(), Map.of())
                .status()).isEqualTo(404);

        Eventually.until("the access log shows the webhooks", () -> output.getAll()
                .contains("POST /api/v1/webhooks/chatwoot/" + tenant.id() + "/*** 404"));
        var log = output.getAll();
        assertThat(log).contains("GET /api/v1/webhooks/providers/" + cloud.id() + "/*** 200")
                .contains("POST /api/v1/webhooks/providers/" + evolution.id() + "/*** 200")
                .contains("POST /api/v1/webhooks/providers/" + evolution.id() + "/*** 404");
        for (var secret : secrets) {
            // a secret with spaces must not show in part either
            for (var part : (secret + " " + secret.replace(" ", "")).split(" ")) {
                if (part.length() >= 6) {
                    assertThat(log.lines().filter(line -> line.contains(part)).toList()).as("lines with a secret")
                            .isEmpty();
                }
            }
        }
    }

    private static String reply() {
        return "{\"event\":\"message_created\"}";
    }

    private static String lastSegment(String path) {
        var segments = URI.create(path).getPath().split("/");
        return segments[segments.length - 1];
    }
}
