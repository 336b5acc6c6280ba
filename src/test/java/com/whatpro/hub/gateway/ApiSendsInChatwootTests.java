package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What programs send through the messages API also appears in the contact's Chatwoot conversation, once, as an
 * outgoing message the hub marked, and shows its delivery there. Chatwoot never holds up the send.
 */
class ApiSendsInChatwootTests extends GatewayTest {

    static final long INBOX = 63;
    static final String SIGNING_SECRET = "chatwoot-webhook-secret";

    Gateway.Provider provider;
    String apiKey;

    ApiSendsInChatwootTests() {
        super(INBOX, SIGNING_SECRET);
    }

    @BeforeEach
    void anEvolutionNumberAndAnApiKey() {
        provider = evolutionNumber();
        apiKey = fixtures.apiKey(tenant.admin().token(), tenant.id(), "messages:send");
    }

    @Test
    void aSendAppearsOnceInTheContactsConversationAndItsEchoIsNotSentAgain() {
        var id = send("+5511955550001", "Your order shipped");

        var copy = Eventually.value("the copy is in Chatwoot", () -> copies(id), list -> !list.isEmpty()).getFirst();
        assertThat(copy.type()).isEqualTo("outgoing");
        assertThat(copy.privateNote()).isFalse();
        assertThat(copy.content()).isEqualTo("Your order shipped");
        assertThat(copy.sourceId()).isEqualTo("whatpro:api:" + id);
        var conversation = chatwoot.conversations(chatwootAccount).stream()
                .filter(c -> c.id() == copy.conversationId()).findFirst().orElseThrow();
        assertThat(conversation.inboxId()).isEqualTo(INBOX);
        assertThat(chatwoot.contacts(chatwootAccount)).filteredOn(c -> c.id() == conversation.contactId())
                .singleElement().satisfies(contact -> assertThat(contact.phone()).isEqualTo("+5511955550001"));
        var message = Eventually.value("the hub knows the copy", () -> message(id),
                m -> m.path("chatwoot_message_id").isNumber());
        assertThat(message.get("chatwoot_message_id").asLong()).isEqualTo(copy.id());
        assertThat(message.get("chatwoot_conversation_id").asLong()).isEqualTo(copy.conversationId());
        var sent = providers.sent(provider.key());

        var echo = Gateway.chatwootReply(chatwootAccount, INBOX, copy.conversationId(), copy.id(), copy.content(),
                "+5511955550001").put("source_id", copy.sourceId());
        var body = Gateway.JSON.writeValueAsString(echo);
        var answer = Gateway.post(http(), chatwootWebhook, body,
                Gateway.chatwootHeaders(SIGNING_SECRET, UUID.randomUUID().toString(), body));
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                sent.getFirst().id(), "5511955550001@s.whatsapp.net", "", "Your order shipped", true), Map.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("stored").asInt()).isZero();
        Eventually.worked(tenant.id(), "provider:" + provider.id() + ":message:" + sent.getFirst().id());
        assertThat(providers.sent(provider.key())).hasSize(1);
        assertThat(chatwoot.messages(chatwootAccount)).hasSize(1);
    }

    @Test
    void aFailingChatwootDoesNotHoldTheSendAndTheCopyFollows() {
        chatwoot.failNextMessagePosts(chatwootAccount, 503, 2);

        var id = send("+5511955550002", "Payment received");

        Eventually.until("it is sent on WhatsApp", () -> message(id).get("status").asString().equals("sent"));
        var copy = Eventually.value("the copy follows", () -> copies(id), list -> !list.isEmpty());
        Eventually.worked(tenant.id(), "chatwoot:copy:" + id);
        assertThat(copies(id)).hasSize(1);
        assertThat(messagePosts()).as("two refused, one taken").isEqualTo(3);
        assertThat(message(id).get("chatwoot_message_id").asLong()).isEqualTo(copy.getFirst().id());
    }

    @Test
    void aCopyWhoseAnswerWasLostIsNotPostedAgain() {
        chatwoot.loseNextMessagePostAnswer(chatwootAccount);

        var id = send("+5511955550003", "Your code is 4821");

        var message = Eventually.value("the hub knows the copy", () -> message(id),
                m -> m.path("chatwoot_message_id").isNumber());
        Eventually.worked(tenant.id(), "chatwoot:copy:" + id);
        assertThat(copies(id)).singleElement()
                .satisfies(copy -> assertThat(copy.id()).isEqualTo(message.get("chatwoot_message_id").asLong()));
        assertThat(messagePosts()).isEqualTo(1);
    }

    @Test
    void deliveryReachesTheCopyInOrderAndNeverBackwards() {
        var id = send("+5511955550004", "Reminder: appointment at 10");
        var copy = Eventually.value("the copy is in Chatwoot", () -> copies(id), list -> !list.isEmpty()).getFirst();
        var providerId = Eventually.value("the hub knows the copy", () -> message(id),
                m -> m.path("chatwoot_message_id").isNumber()).get("provider_message_id").asString();

        status(providerId, "DELIVERY_ACK");
        Eventually.until("Chatwoot shows delivered", () -> shown(copy.id()).equals("delivered"));
        status(providerId, "READ");
        Eventually.until("Chatwoot shows read", () -> shown(copy.id()).equals("read"));
        status(providerId, "DELIVERY_ACK");

        Eventually.settled(tenant.id());
        assertThat(chatwoot.statusUpdates(chatwootAccount)).extracting(FakeChatwoot.StatusUpdate::status)
                .containsExactly("delivered", "read");
    }

    @Test
    void aDeliveryThatCameBeforeTheCopyIsShownOnceTheCopyIsThere() {
        chatwoot.failNextMessagePosts(chatwootAccount, 503, 2);
        var id = send("+5511955550005", "Your parcel is on its way");
        var providerId = Eventually.value("it is sent on WhatsApp", () -> message(id),
                m -> m.get("status").asString().equals("sent")).get("provider_message_id").asString();

        status(providerId, "DELIVERY_ACK");

        var copy = Eventually.value("the copy follows", () -> copies(id), list -> !list.isEmpty()).getFirst();
        Eventually.until("Chatwoot shows delivered", () -> shown(copy.id()).equals("delivered"));
        Eventually.settled(tenant.id());
        assertThat(chatwoot.statusUpdates(chatwootAccount)).extracting(FakeChatwoot.StatusUpdate::status)
                .containsExactly("delivered");
    }

    @Test
    void mediaIsCopiedWithItsCaptionAndLink() {
        var media = new LinkedHashMap<String, Object>();
        media.put("kind", "document");
        media.put("url", "https://files.example.com/boleto.pdf");
        media.put("caption", "segue o boleto");
        media.put("file_name", "boleto.pdf");
        var response = http().bearer(apiKey).post(messages(), Map.of("provider_id", provider.id().toString(),
                "to", "+5511955550006", "media", media));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        var id = UUID.fromString(response.json().get("id").asString());

        var copy = Eventually.value("the copy is in Chatwoot", () -> copies(id), list -> !list.isEmpty()).getFirst();

        assertThat(copy.content()).isEqualTo("segue o boleto\n[document] https://files.example.com/boleto.pdf");
        assertThat(copy.attachments()).isZero();
    }

    @Test
    void aSendTheProviderRefusesIsNotCopied() {
        var refusal = providers.fail("POST", "/message/sendText/" + provider.key(), 400,
                "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"exists: false\"]}}");
        try {
            var id = send("+5511955550007", "hello?");

            Eventually.until("it failed", () -> message(id).get("status").asString().equals("failed"));
            Eventually.settled(tenant.id());
            assertThat(chatwoot.messages(chatwootAccount)).isEmpty();
        } finally {
            providers.remove(refusal);
        }
    }

    @Test
    void withoutChatwootNothingIsCopied() {
        var alone = fixtures.tenant("No Chatwoot");
        var own = Gateway.evolution(http(), alone.admin().token(), alone.id(), null, null);
        var response = http().bearer(alone.admin().token()).post("/api/v1/accounts/" + alone.id() + "/messages",
                Map.of("provider_id", own.id().toString(), "to", "+5511955550008", "text", "just WhatsApp"));
        var id = response.json().get("id").asString();

        Eventually.until("it is sent", () -> http().bearer(alone.admin().token())
                .get("/api/v1/accounts/" + alone.id() + "/messages/" + id).json().get("status").asString()
                .equals("sent"));

        assertThat(Gateway.query("select count(*) from gateway_jobs where account_id = " + alone.id()
                + " and kind = 'chatwoot_copy'")).isEqualTo("0");
    }

    UUID send(String to, String text) {
        var response = http().bearer(apiKey).post(messages(), Map.of("provider_id", provider.id().toString(),
                "to", to, "text", text));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return UUID.fromString(response.json().get("id").asString());
    }

    String messages() {
        return "/api/v1/accounts/" + tenant.id() + "/messages";
    }

    JsonNode message(UUID id) {
        return http().bearer(tenant.admin().token()).get(messages() + "/" + id).json();
    }

    List<FakeChatwoot.Message> copies(UUID id) {
        return chatwoot.messages(chatwootAccount).stream()
                .filter(m -> ("whatpro:api:" + id).equals(m.sourceId())).toList();
    }

    String shown(long chatwootMessageId) {
        return chatwoot.messages(chatwootAccount).stream().filter(m -> m.id() == chatwootMessageId).findFirst()
                .orElseThrow().status();
    }

    long messagePosts() {
        return chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                        && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                .count();
    }

    void status(String providerMessageId, String status) {
        var response = Gateway.post(http(), provider.webhookPath(),
                Gateway.evolutionStatus(provider.key(), providerMessageId, status), Map.of());
        assertThat(response.status()).isEqualTo(200);
    }
}
