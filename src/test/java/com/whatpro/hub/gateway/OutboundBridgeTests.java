package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chatwoot to WhatsApp: agents' replies reach the contact through the conversation's number, and nothing else does
 * (incoming messages, private notes, the hub's own posts coming back). Delivery statuses only move forward.
 */
class OutboundBridgeTests extends GatewayTest {

    static final long INBOX = 61;
    static final String SIGNING_SECRET = "chatwoot-webhook-secret";

    Gateway.Provider provider;

    OutboundBridgeTests() {
        super(INBOX, SIGNING_SECRET);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    /** A contact writes in, so the hub opens the conversation; returns its Chatwoot id. */
    long conversationWith(String jid, String name) {
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0IN" + suffix(), jid,
                name, "hi there", false), Map.of());
        return Eventually.value("the message is in a conversation", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst().conversationId();
    }

    TestReply deliver(ObjectNode payload) {
        var body = Gateway.JSON.writeValueAsString(payload);
        var response = Gateway.post(http(), chatwootWebhook, body,
                Gateway.chatwootHeaders(SIGNING_SECRET, UUID.randomUUID().toString(), body));
        return new TestReply(response.status(), response.status() == 200 ? response.json() : null);
    }

    record TestReply(int status, JsonNode body) {
    }

    @Test
    void anAgentsReplyReachesTheContactThroughTheConversationsNumber() {
        var conversation = conversationWith("5511988880001@s.whatsapp.net", "Fabi");
        var reply = Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_001, "How can I help?", "");

        assertThat(deliver(reply).status()).isEqualTo(200);

        var sent = Eventually.value("the reply reaches Evolution", () -> providers.sent(provider.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message -> {
            assertThat(message.path()).isEqualTo("/message/sendText/" + provider.key());
            assertThat(message.body().get("number").asString()).isEqualTo("5511988880001");
            assertThat(message.body().get("text").asString()).isEqualTo("How can I help?");
        });
        var listed = Eventually.value("the message is sent", () -> http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=outbound&chatwoot_conversation_id="
                        + conversation).json().get("items"),
                items -> items.size() == 1 && items.get(0).get("status").asString().equals("sent"));
        assertThat(listed.get(0).get("provider_message_id").asString()).isEqualTo(sent.getFirst().id());
        assertThat(listed.get(0).get("chatwoot_message_id").asLong()).isEqualTo(900_001);
        assertThat(listed.get(0).get("origin").asString()).isEqualTo("chatwoot");
    }

    @Test
    void anAttachmentWhoseFileNameHasAPercentSignIsSentWithThatName() {
        var conversation = conversationWith("5511988880007@s.whatsapp.net", "Lia");
        var reply = Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_060, "our offer", "");
        reply.putArray("attachments").addObject().put("id", 9_000_601).put("file_type", "file")
                .put("data_url", "http://chatwoot.example.com/rails/active_storage/blobs/redirect/eyJf--1a/"
                        + "50%25off%2Bmore.pdf");

        assertThat(deliver(reply).status()).isEqualTo(200);

        var sent = Eventually.value("the file reaches Evolution", () -> providers.sent(provider.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message -> {
            assertThat(message.path()).isEqualTo("/message/sendMedia/" + provider.key());
            assertThat(message.body().get("fileName").asString()).isEqualTo("50%off+more.pdf");
            assertThat(message.body().get("caption").asString()).isEqualTo("our offer");
            assertThat(message.body().get("media").asString()).endsWith("/50%25off%2Bmore.pdf");
        });
        Eventually.settled(tenant.id());
        assertThat(http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id()
                + "/gateway/dead-letters").json().get("items")).isEmpty();
    }

    @Test
    void incomingMessagesPrivateNotesAndTheHubsOwnPostsAreNeverSent() {
        var conversation = conversationWith("5511988880002@s.whatsapp.net", "Gabi");
        var incoming = (ObjectNode) Gateway.JSON.readTree(Gateway.resource(
                "/chatwoot/webhooks/message_created.incoming.whatsapp.json"));
        incoming.put("id", 900_010);
        ((ObjectNode) incoming.get("account")).put("id", chatwootAccount);
        ((ObjectNode) incoming.get("conversation")).put("id", conversation).put("inbox_id", INBOX);
        var privateNote = Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_011, "internal", "")
                .put("private", true);
        var ourOwn = Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_012, "hi there", "")
                .put("source_id", chatwoot.messages(chatwootAccount).getFirst().sourceId());
        var otherAccount = Gateway.chatwootReply(chatwootAccount + 1, INBOX, conversation, 900_013, "not ours", "");

        for (var payload : new ObjectNode[] {incoming, privateNote, ourOwn, otherAccount}) {
            var reply = deliver(payload);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("stored").asInt()).isZero();
        }

        Eventually.settled(tenant.id());
        assertThat(providers.sent(provider.key())).isEmpty();
    }

    @Test
    void theNumbersEchoOfAReplyTheHubSentIsNotPostedBackToChatwoot() {
        var conversation = conversationWith("5511988880003@s.whatsapp.net", "Hugo");
        deliver(Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_020, "on my way", ""));
        var sent = Eventually.value("the reply is sent", () -> providers.sent(provider.key()), list -> !list.isEmpty())
                .getFirst();
        Eventually.until("the send is recorded", () -> http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?status=sent").json().get("items").size() == 1);

        // Evolution reports every message the number sends, the hub's own included
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), sent.id(),
                "5511988880003@s.whatsapp.net", "", "on my way", true), Map.of());

        Eventually.worked(tenant.id(), "provider:" + provider.id() + ":message:" + sent.id());
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::content)
                .containsExactly("hi there");
    }

    @Test
    void aReplyInAConversationAgentsOpenedGoesThroughTheInboxsNumber() {
        var own = Gateway.uazapi(http(), tenant.admin().token(), tenant.id(), null, 77L);
        var seeded = chatwoot.seedConversation(chatwootAccount, 77, "Iris", "+5511988880004");

        deliver(Gateway.chatwootReply(chatwootAccount, 77, seeded.id(), 900_030, "Hello Iris", "+5511988880004"));

        var sent = Eventually.value("the reply reaches uazapi", () -> providers.sent(own.key()), list -> !list.isEmpty());
        assertThat(sent.getFirst().path()).isEqualTo("/send/text");
        assertThat(sent.getFirst().body().get("number").asString()).isEqualTo("5511988880004");
        assertThat(providers.sent(provider.key())).isEmpty();
    }

    @Test
    void aChatwootDeliveryReceivedFiveTimesIsSentOnce() {
        var conversation = conversationWith("5511988880005@s.whatsapp.net", "Joao");
        var body = Gateway.JSON.writeValueAsString(
                Gateway.chatwootReply(chatwootAccount, INBOX, conversation, 900_040, "just once", ""));
        var headers = Gateway.chatwootHeaders(SIGNING_SECRET, UUID.randomUUID().toString(), body);

        for (int i = 0; i < 5; i++) {
            assertThat(Gateway.post(http(), chatwootWebhook, body, headers).status()).isEqualTo(200);
        }

        Eventually.until("the reply is sent", () -> !providers.sent(provider.key()).isEmpty());
        Eventually.settled(tenant.id());
        assertThat(providers.sent(provider.key())).hasSize(1);
    }

    @Test
    void checksChatwootsSignatureWhenAWebhookSecretIsConfigured() {
        var body = Gateway.JSON.writeValueAsString(Gateway.chatwootReply(chatwootAccount, INBOX, 1, 900_050, "x", ""));
        var now = Long.toString(System.currentTimeMillis() / 1000);
        var stale = Long.toString(System.currentTimeMillis() / 1000 - 6 * 60);
        var delivery = UUID.randomUUID().toString();

        var wrongSecret = Gateway.post(http(), chatwootWebhook, body, Map.of("X-Chatwoot-Delivery", delivery,
                "X-Chatwoot-Timestamp", now, "X-Chatwoot-Signature", Gateway.chatwootSignature("guess", now, body)));
        var tooOld = Gateway.post(http(), chatwootWebhook, body, Map.of("X-Chatwoot-Delivery", delivery,
                "X-Chatwoot-Timestamp", stale, "X-Chatwoot-Signature",
                Gateway.chatwootSignature(SIGNING_SECRET, stale, body)));
        var unsigned = Gateway.post(http(), chatwootWebhook, body, Map.of("X-Chatwoot-Delivery", delivery));
        var wrongUrl = Gateway.post(http(), chatwootWebhook.substring(0, chatwootWebhook.lastIndexOf('/')) + "/guess",
                body, Gateway.chatwootHeaders(SIGNING_SECRET, delivery, body));
        var otherAccount = Gateway.post(http(), "/api/v1/webhooks/chatwoot/999999999/"
                + chatwootWebhook.substring(chatwootWebhook.lastIndexOf('/') + 1), body,
                Gateway.chatwootHeaders(SIGNING_SECRET, delivery, body));
        var malformed = Gateway.post(http(), chatwootWebhook, "[1,2", Gateway.chatwootHeaders(SIGNING_SECRET,
                delivery, "[1,2"));
        var signed = Gateway.post(http(), chatwootWebhook, body, Gateway.chatwootHeaders(SIGNING_SECRET, delivery,
                body));

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(tooOld.status()).isEqualTo(401);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(wrongUrl.status()).isEqualTo(404);
        assertThat(otherAccount.status()).isEqualTo(404);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(signed.status()).isEqualTo(200);
    }

    @Test
    void statusesOnlyMoveForward() {
        var id = send("+5511988880006", "status check");
        var providerId = Eventually.value("the message is sent", () -> message(id),
                m -> m.get("status").asString().equals("sent")).get("provider_message_id").asString();

        status(providerId, "READ");
        Eventually.until("it is read", () -> message(id).get("status").asString().equals("read"));
        status(providerId, "DELIVERY_ACK");
        status(providerId, "SERVER_ACK");
        status(providerId, "ERROR");

        Eventually.settled(tenant.id());
        assertThat(message(id).get("status").asString()).isEqualTo("read");
    }

    @Test
    void aFailureIsKeptWithTheProvidersErrorAndShownOnTheMessageInChatwoot() {
        var cloud = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "app-secret-o", "v", 88L);
        var seeded = chatwoot.seedConversation(chatwootAccount, 88, "Kim", "+16315551181");
        Gateway.openServiceWindow(tenant.id(), cloud.id(), "+16315551181");
        var reply = chatwoot.seedReply(chatwootAccount, seeded.id(), "are you there?");
        deliver(Gateway.chatwootReply(chatwootAccount, 88, seeded.id(), reply.id(), "are you there?", "+16315551181"));
        var sent = Eventually.value("the reply reaches Meta", () -> providers.sent(cloud.key()), list -> !list.isEmpty())
                .getFirst();
        Eventually.until("the send is recorded", () -> outbound(seeded.id()).get("status").asString().equals("sent"));
        var failed = Gateway.cloudExample("status.failed.json", cloud).replaceAll("\"id\": \"wamid[^\"]*\"",
                "\"id\": \"" + sent.id() + "\"");
        var delivered = Gateway.cloudExample("status.delivered.json", cloud).replace("wamid.xyzxyz", sent.id());

        Gateway.post(http(), cloud.webhookPath(), failed, Map.of("X-Hub-Signature-256",
                Gateway.metaSignature("app-secret-o", failed)));
        Eventually.until("it failed", () -> outbound(seeded.id()).get("status").asString().equals("failed"));
        Gateway.post(http(), cloud.webhookPath(), delivered, Map.of("X-Hub-Signature-256",
                Gateway.metaSignature("app-secret-o", delivered)));

        var shown = Eventually.value("the agents see it on the message", () -> chatwoot.messages(chatwootAccount),
                list -> list.stream().anyMatch(m -> m.id() == reply.id() && m.status().equals("failed")));
        assertThat(shown).filteredOn(m -> m.id() == reply.id()).singleElement()
                .satisfies(m -> assertThat(m.externalError()).contains("part of an experiment"));
        Eventually.settled(tenant.id());
        assertThat(chatwoot.messages(chatwootAccount)).noneMatch(FakeChatwoot.Message::privateNote);
        assertThat(chatwoot.statusUpdates(chatwootAccount)).extracting(FakeChatwoot.StatusUpdate::status)
                .containsExactly("failed");
        var message = outbound(seeded.id());
        assertThat(message.get("status").asString()).isEqualTo("failed");
        assertThat(message.get("error").get("code").asString()).isNotBlank();
    }

    UUID send(String to, String text) {
        var response = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", provider.id().toString(), "to", to, "text", text));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return UUID.fromString(response.json().get("id").asString());
    }

    JsonNode message(UUID id) {
        return http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/messages/" + id).json();
    }

    JsonNode outbound(long conversation) {
        var items = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id()
                + "/messages?direction=outbound&chatwoot_conversation_id=" + conversation).json().get("items");
        return items.isEmpty() ? Gateway.JSON.createObjectNode().put("status", "none") : items.get(0);
    }

    void status(String providerMessageId, String status) {
        var response = Gateway.post(http(), provider.webhookPath(),
                Gateway.evolutionStatus(provider.key(), providerMessageId, status), Map.of());
        assertThat(response.status()).isEqualTo(200);
    }

    static String suffix() {
        return InboundBridgeTests.suffix();
    }
}
