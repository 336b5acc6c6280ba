package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's messages as an account's webhook receiver (WireMock on loopback) sees them: a contact's message, a
 * program's send and its delivery status each become a signed delivery carrying ids and statuses, never the text.
 */
class MessageWebhooksTests extends GatewayTest {

    static final long INBOX = 83;

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    Gateway.Provider provider;
    String path;

    MessageWebhooksTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumberAndAWebhookReceiver() {
        provider = evolutionNumber();
        path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(204)));
        var webhook = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/webhooks",
                Map.of("url", "http://127.0.0.1:" + receiver.getPort() + path,
                        "events", List.of("message.received", "message.sent", "message.status")));
        assertThat(webhook.status()).as(webhook.body()).isEqualTo(201);
    }

    List<JsonNode> bodies() {
        return receiver.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(request -> Gateway.JSON.readTree(request.getBodyAsString())).toList();
    }

    JsonNode awaitEvent(String type) {
        return Eventually.value("a " + type + " delivery", this::bodies,
                list -> list.stream().anyMatch(body -> body.get("type").asString().equals(type)))
                .stream().filter(body -> body.get("type").asString().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void aContactsMessageIsDeliveredAsMessageReceivedWithoutItsText() {
        var stranger = new Fixtures(http()).tenant("Message webhooks, other");
        var strangersPath = "/hooks/other-" + UUID.randomUUID();
        receiver.stubFor(post(strangersPath).willReturn(aResponse().withStatus(204)));
        assertThat(http().bearer(stranger.admin().token()).post("/api/v1/accounts/" + stranger.id() + "/webhooks",
                Map.of("url", "http://127.0.0.1:" + receiver.getPort() + strangersPath,
                        "events", List.of("message.received"))).status()).isEqualTo(201);
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0W1" + System.nanoTime(),
                "5511955550001@s.whatsapp.net", "Ana", "meu CPF é 123.456.789-00", false), Map.of());

        var body = awaitEvent("message.received");
        var listed = http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=inbound").json().get("items").get(0);
        var data = body.get("data");
        assertThat(data.get("account_id").asLong()).isEqualTo(tenant.id());
        assertThat(data.get("message_id").asString()).isEqualTo(listed.get("id").asString());
        assertThat(data.get("direction").asString()).isEqualTo("inbound");
        assertThat(data.get("status").asString()).isEqualTo("received");
        assertThat(data.get("provider_id").asString()).isEqualTo(provider.id().toString());
        assertThat(data.get("chatwoot_conversation_id").asLong())
                .isEqualTo(chatwoot.conversations(chatwootAccount).getFirst().id());
        assertThat(Instant.parse(data.get("occurred_at").asString())).isEqualTo(Instant.ofEpochSecond(1_717_689_097L));
        assertThat(body.toString()).doesNotContain("CPF").doesNotContain("123.456");
        Eventually.settled(tenant.id());
        Eventually.until("the deliveries are made", () -> Gateway.query("""
                select count(*) from webhook_deliveries where account_id in (%d, %d) and status = 'pending'
                """.formatted(tenant.id(), stranger.id())).equals("0"));
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(strangersPath)))).as("another account's webhook")
                .isEmpty();
        assertThat(bodies()).hasSize(1);
    }

    @Test
    void anApiSendIsDeliveredAsMessageSentThenItsDeliveryAsMessageStatus() {
        var response = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", provider.id().toString(), "to", "5511955550002", "text", "Seu pedido saiu"));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        var id = response.json().get("id").asString();

        var sent = awaitEvent("message.sent").get("data");
        var providerMessageId = providers.sent(provider.key()).getFirst().id();
        assertThat(sent.get("message_id").asString()).isEqualTo(id);
        assertThat(sent.get("direction").asString()).isEqualTo("outbound");
        assertThat(sent.get("status").asString()).isEqualTo("sent");
        assertThat(sent.get("origin").asString()).isEqualTo("api");
        assertThat(sent.get("provider_id").asString()).isEqualTo(provider.id().toString());
        assertThat(sent.get("provider_message_id").asString()).isEqualTo(providerMessageId);
        assertThat(sent.toString()).doesNotContain("pedido");

        var status = Gateway.post(http(), provider.webhookPath(),
                Gateway.evolutionStatus(provider.key(), providerMessageId, "DELIVERY_ACK"), Map.of());
        assertThat(status.status()).isEqualTo(200);

        var delivered = awaitEvent("message.status").get("data");
        assertThat(delivered.get("message_id").asString()).isEqualTo(id);
        assertThat(delivered.get("status").asString()).isEqualTo("delivered");
        assertThat(delivered.get("previous_status").asString()).isEqualTo("sent");
        assertThat(delivered.get("provider_message_id").asString()).isEqualTo(providerMessageId);
        assertThat(delivered.has("error_code")).isFalse();
        assertThat(bodies()).extracting(body -> body.get("type").asString())
                .containsExactly("message.sent", "message.status");
    }
}
