package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Provider webhooks are taken in only from whoever knows the URL's secret and, where the provider signs or carries a
 * token, only with the right signature or token; what is taken in is stored once, however often it comes.
 */
class ProviderWebhookIntakeTests extends IntegrationTest {

    @Autowired
    MeterRegistry meters;

    Fixtures fixtures;
    Fixtures.Tenant tenant;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Intake");
    }

    @Test
    void acceptsAMetaWebhookSignedWithTheAppSecretAndRefusesAnyOtherSignature() {
        var provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "app-secret-1", "verify-1", null);
        var body = Gateway.cloudExample("inbound.text-message.json", provider);

        var signed = Gateway.post(http(), provider.webhookPath(), body,
                Map.of("X-Hub-Signature-256", Gateway.metaSignature("app-secret-1", body)));
        var wrongSecret = Gateway.post(http(), provider.webhookPath(), body,
                Map.of("X-Hub-Signature-256", Gateway.metaSignature("another-secret", body)));
        var alteredBody = Gateway.post(http(), provider.webhookPath(), body.replace("another color", "another colour"),
                Map.of("X-Hub-Signature-256", Gateway.metaSignature("app-secret-1", body)));
        var unsigned = Gateway.post(http(), provider.webhookPath(), body, Map.of());

        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("stored").asInt()).isEqualTo(1);
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(alteredBody.status()).isEqualTo(401);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aCloudApiChangeGoesToTheAccountsNumberItNamesWhicheverNumbersUrlItCameTo() {
        // one Meta app, two numbers: Meta sends both numbers' events to the app's one callback URL (here P2's)
        var p1 = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "one-app-secret", "v", null);
        var p2 = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "one-app-secret", "v", null);
        // another account has a number of P1's phone number id too, and one that this account does not have
        var stranger = fixtures.tenant("Intake stranger");
        Gateway.cloudApi(http(), stranger.admin().token(), stranger.id(), "one-app-secret", "v", null, p1.key());
        var elsewhere = Gateway.cloudApi(http(), stranger.admin().token(), stranger.id(), "one-app-secret", "v", null,
                Long.toString(Long.parseLong(p1.key()) + 1));
        var forP1 = Gateway.cloudExample("inbound.text-message.json", p1).replace("wamid.HBgL", "wamid.P1HBgL");
        var forP2 = Gateway.cloudExample("inbound.text-message.json", p2).replace("wamid.HBgL", "wamid.P2HBgL");
        var forElsewhere = Gateway.cloudExample("inbound.text-message.json", elsewhere)
                .replace("wamid.HBgL", "wamid.ELHBgL");

        var dropped = meters.counter("whatpro.gateway.webhook.events.dropped", "reason", "unknown_number");
        var droppedBefore = dropped.count();

        var toP1 = signed(p2, forP1, "one-app-secret");
        var toP2 = signed(p2, forP2, "one-app-secret");
        var toAnotherAccount = signed(p2, forElsewhere, "one-app-secret");

        assertThat(toP1.status()).isEqualTo(200);
        assertThat(toP1.json().get("stored").asInt()).isEqualTo(1);
        assertThat(toP2.json().get("stored").asInt()).isEqualTo(1);
        assertThat(toAnotherAccount.status()).as("acknowledged, so Meta does not retry it").isEqualTo(200);
        assertThat(toAnotherAccount.json().get("stored").asInt()).as("no number of this account has it").isZero();
        assertThat(dropped.count()).as("counted").isEqualTo(droppedBefore + 1);
        Eventually.settled(tenant.id());
        var listed = http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=inbound").json().get("items");
        assertThat(listed).extracting(item -> item.get("provider_message_id").asString().substring(0, 8)
                + " for " + item.get("provider_id").asString())
                .as("each message recorded for the number it was sent to")
                .containsExactlyInAnyOrder("wamid.P1 for " + p1.id(), "wamid.P2 for " + p2.id());
        assertThat(http().bearer(stranger.admin().token())
                .get("/api/v1/accounts/" + stranger.id() + "/messages?direction=inbound").json().get("items"))
                .as("another account's numbers are never used").isEmpty();
        assertThat(Gateway.query("select count(*) from gateway_jobs where account_id = " + stranger.id()))
                .isEqualTo("0");
    }

    private com.whatpro.hub.TestHttp.Response signed(Gateway.Provider to, String body, String appSecret) {
        return Gateway.post(http(), to.webhookPath(), body,
                Map.of("X-Hub-Signature-256", Gateway.metaSignature(appSecret, body)));
    }

    @Test
    void answersMetasSubscriptionHandshakeOnlyWithTheVerifyToken() {
        var provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "app-secret-2", "my-verify-token",
                null);
        var query = "?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=1158201444";

        var right = http().get(provider.webhookPath() + query.formatted("my-verify-token"));
        var wrong = http().get(provider.webhookPath() + query.formatted("guess"));

        assertThat(right.status()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("1158201444");
        assertThat(wrong.status()).isEqualTo(403);
    }

    @Test
    void requiresTheEvolutionWebhookTokenWhenOneIsConfigured() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), "evo-hook-token", null);
        var body = Gateway.evolutionMessage(provider.key(), "3EB0" + UUID.randomUUID().toString().substring(0, 8),
                "5511987650001@s.whatsapp.net", "Ana", "oi", false);

        var withHeader = Gateway.post(http(), provider.webhookPath(), body, Map.of("x-webhook-token", "evo-hook-token"));
        var withBearer = Gateway.post(http(), provider.webhookPath(), body,
                Map.of("Authorization", "Bearer evo-hook-token"));
        var withJwt = Gateway.post(http(), provider.webhookPath(), body, Map.of("Authorization", "Bearer "
                + com.whatpro.hub.providers.adapters.EvolutionWebhookJwtTests.jwt("HS256", "evo-hook-token",
                        System.currentTimeMillis() / 1000 + 600)));
        var without = Gateway.post(http(), provider.webhookPath(), body, Map.of());
        var wrong = Gateway.post(http(), provider.webhookPath(), body, Map.of("x-webhook-token", "nope"));

        assertThat(withHeader.status()).as(withHeader.body()).isEqualTo(200);
        assertThat(withBearer.status()).as(withBearer.body()).isEqualTo(200);
        assertThat(withJwt.status()).as(withJwt.body()).isEqualTo(200);
        assertThat(without.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
    }

    /** The API refuses NUL characters in JSON; a provider's webhook is not the API's, and its parser drops them. */
    @Test
    void storesAWebhookWhoseTextsHoldNulCharacters() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var body = Gateway.evolutionMessage(provider.key(), "3EB0" + UUID.randomUUID().toString().substring(0, 8),
                "5511987650002@s.whatsapp.net", "A\u0000na", "o\u0000i", false);

        var response = Gateway.post(http(), provider.webhookPath(), body, Map.of());

        assertThat(body).contains("\\u0000");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("stored").asInt()).isEqualTo(1);
    }

    @Test
    void requiresTheUazapiWebhookTokenWhenOneIsConfigured() {
        var provider = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), "uaz-hook-token", null);
        var body = """
                {"event": "message", "instance": "r183e2ef9597845", "token": "%s",
                 "data": {"id": "r1a2b3c4", "messageid": "3EB0%s", "chatid": "5511999990001@s.whatsapp.net",
                  "fromMe": false, "isGroup": false, "messageType": "text", "messageTimestamp": 1706112000000,
                  "sender": "5511999990001@s.whatsapp.net", "senderName": "João Silva", "text": "Olá"}}""";

        var carried = Gateway.post(http(), provider.webhookPath(),
                body.formatted("uaz-hook-token", UUID.randomUUID().toString().substring(0, 8)), Map.of());
        var missing = Gateway.post(http(), provider.webhookPath(),
                body.formatted("", UUID.randomUUID().toString().substring(0, 8)), Map.of());

        assertThat(carried.status()).as(carried.body()).isEqualTo(200);
        assertThat(missing.status()).isEqualTo(401);
    }

    @Test
    void answersTheSame404ForAnUnknownProviderAndAWrongSecret() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var body = Gateway.evolutionMessage(provider.key(), "3EB0AAAA", "5511987650002@s.whatsapp.net", "Ana", "oi",
                false);
        var secret = provider.webhookPath().substring(provider.webhookPath().lastIndexOf('/') + 1);

        var wrongSecret = Gateway.post(http(), "/api/v1/webhooks/providers/" + provider.id() + "/not-the-secret", body,
                Map.of());
        var unknown = Gateway.post(http(), "/api/v1/webhooks/providers/" + UUID.randomUUID() + "/" + secret, body,
                Map.of());
        var notAnId = Gateway.post(http(), "/api/v1/webhooks/providers/123/" + secret, body, Map.of());

        assertThat(wrongSecret.status()).isEqualTo(404);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(wrongSecret.json().get("detail")).isEqualTo(unknown.json().get("detail"));
    }

    @Test
    void aDeactivatedAccountTakesNoMoreWebhooks() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var body = Gateway.evolutionMessage(provider.key(), "3EB0OFF1", "5511987650005@s.whatsapp.net", "Ana", "oi",
                false);
        assertThat(Gateway.post(http(), provider.webhookPath(), body, Map.of()).status()).isEqualTo(200);

        assertThat(http().bearer(fixtures.superAdmin()).delete("/api/v1/accounts/" + tenant.id()).status())
                .isEqualTo(204);

        Eventually.until("webhooks are refused", () ->
                Gateway.post(http(), provider.webhookPath(), body, Map.of()).status() == 404);
    }

    @Test
    void refusesAMalformedPayloadWith400() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);

        var notJson = Gateway.post(http(), provider.webhookPath(), "{not json", Map.of());
        var empty = Gateway.post(http(), provider.webhookPath(), "", Map.of());

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(empty.status()).isEqualTo(400);
    }

    @Test
    void storesAWebhookDeliveredFiveTimesOnce() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var messageId = "3EB0" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        var body = Gateway.evolutionMessage(provider.key(), messageId, "5511987650003@s.whatsapp.net", "Ana", "oi",
                false);

        var answers = new java.util.ArrayList<Integer>();
        int stored = 0;
        for (int i = 0; i < 5; i++) {
            var response = Gateway.post(http(), provider.webhookPath(), body, Map.of());
            answers.add(response.status());
            stored += response.json().get("stored").asInt();
        }

        assertThat(answers).containsOnly(200);
        assertThat(stored).isEqualTo(1);
        assertThat(jobsFor(messageId)).isEqualTo(1);
    }

    @Test
    void notesWhenAProviderLastSentAWebhook() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var path = "/api/v1/accounts/" + tenant.id() + "/providers/" + provider.id();
        assertThat(http().bearer(tenant.admin().token()).get(path).json().get("last_event_at").isNull()).isTrue();

        Gateway.post(http(), provider.webhookPath(), Gateway.evolution(provider.key(), "presence.update",
                Gateway.JSON.createObjectNode().put("id", "x")), Map.of());

        Eventually.until("last_event_at is set", () ->
                !http().bearer(tenant.admin().token()).get(path).json().get("last_event_at").isNull());
    }

    @Test
    void aConnectionWebhookUpdatesTheProvidersStatus() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var path = "/api/v1/accounts/" + tenant.id() + "/providers/" + provider.id();

        Gateway.post(http(), provider.webhookPath(), Gateway.evolution(provider.key(), "connection.update",
                Gateway.JSON.createObjectNode().put("instance", provider.key()).put("state", "close")
                        .put("statusReason", 401)), Map.of());

        var view = Eventually.value("the status changes", () -> http().bearer(tenant.admin().token()).get(path).json(),
                json -> json.get("status").asString().equals("disconnected"));
        assertThat(view.get("status_detail").asString()).contains("401");
    }

    @Test
    void aWebhookUrlKeepsWorkingOnlyUntilItsSecretIsRotated() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var body = Gateway.evolutionMessage(provider.key(), "3EB0ROT1", "5511987650004@s.whatsapp.net", "Ana", "oi",
                false);

        var rotated = http().bearer(tenant.admin().token()).patch("/api/v1/accounts/" + tenant.id() + "/providers/"
                + provider.id(), Map.of("rotate_webhook_secret", true));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        var newPath = java.net.URI.create(rotated.json().get("webhook_url").asString()).getPath();
        assertThat(newPath).isNotEqualTo(provider.webhookPath());
        assertThat(Gateway.post(http(), provider.webhookPath(), body, Map.of()).status()).isEqualTo(404);
        assertThat(Gateway.post(http(), newPath, body, Map.of()).status()).isEqualTo(200);
    }

    static int jobsFor(String providerMessageId) {
        return Integer.parseInt(Gateway.query("select count(*) from gateway_jobs where dedup_key like '%:message:"
                + providerMessageId + "'"));
    }
}
