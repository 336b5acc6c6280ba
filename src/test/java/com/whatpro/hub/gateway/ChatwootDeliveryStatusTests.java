package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Chatwoot shows how the WhatsApp delivery of its messages went: delivered, read, failed with the provider's error,
 * each step once and never a step back. Where Chatwoot takes no statuses, agents still learn of failures, as notes,
 * and Chatwoot is not asked again.
 */
class ChatwootDeliveryStatusTests extends GatewayTest {

    static final long INBOX = 61;
    static final long OTHER_CHANNEL_INBOX = 62;
    static final String SIGNING_SECRET = "chatwoot-webhook-secret";

    Gateway.Provider provider;

    ChatwootDeliveryStatusTests() {
        super(INBOX, SIGNING_SECRET);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    @Test
    void anAgentsReplyShowsDeliveredThenReadAndALateDeliveredChangesNothing() {
        var reply = agentReply(provider, INBOX, "+5511977770001", "Your table is booked");

        status(provider, reply.providerMessageId(), "DELIVERY_ACK");
        Eventually.until("Chatwoot shows delivered", () -> shown(reply).equals("delivered"));
        status(provider, reply.providerMessageId(), "READ");
        Eventually.until("Chatwoot shows read", () -> shown(reply).equals("read"));
        status(provider, reply.providerMessageId(), "DELIVERY_ACK");
        status(provider, reply.providerMessageId(), "READ");

        Eventually.settled(tenant.id());
        assertThat(updates(reply)).containsExactly("delivered", "read");
        assertThat(shown(reply)).isEqualTo("read");
    }

    @Test
    void statusesOutOfOrderNeverMoveChatwootBack() {
        var reply = agentReply(provider, INBOX, "+5511977770002", "See you tomorrow");

        status(provider, reply.providerMessageId(), "READ");
        Eventually.until("Chatwoot shows read", () -> shown(reply).equals("read"));
        status(provider, reply.providerMessageId(), "DELIVERY_ACK");
        status(provider, reply.providerMessageId(), "SERVER_ACK");
        status(provider, reply.providerMessageId(), "ERROR");

        Eventually.settled(tenant.id());
        assertThat(updates(reply)).containsExactly("read");
        assertThat(chatwoot.messages(chatwootAccount)).noneMatch(FakeChatwoot.Message::privateNote);
    }

    @Test
    void aMessageTheNumberSentFromThePhoneShowsItsDelivery() {
        var conversation = chatwoot.seedConversation(chatwootAccount, INBOX, "Rui", "+5511977770003");
        var id = "3EB0PH" + InboundBridgeTests.suffix();
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), id,
                "5511977770003@s.whatsapp.net", "", "sent from my phone", true), Map.of());
        var posted = Eventually.value("it is in Chatwoot as outgoing", () -> chatwoot.messages(chatwootAccount),
                list -> list.stream().anyMatch(m -> "sent from my phone".equals(m.content()))).stream()
                .filter(m -> "sent from my phone".equals(m.content())).findFirst().orElseThrow();
        assertThat(posted.conversationId()).isEqualTo(conversation.id());
        assertThat(posted.type()).isEqualTo("outgoing");
        Eventually.until("the hub knows its Chatwoot id", () -> http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?chatwoot_conversation_id=" + conversation.id())
                .json().get("items").size() == 1);

        status(provider, id, "DELIVERY_ACK");

        Eventually.until("Chatwoot shows delivered", () -> chatwoot.statusUpdates(chatwootAccount).stream()
                .anyMatch(update -> update.messageId() == posted.id() && "delivered".equals(update.status())));
    }

    @Test
    void aDeliveryThatOvertakesAPhoneSentMessageIsKeptUntilTheMessageIsRecorded() {
        var id = "3EB0OV" + InboundBridgeTests.suffix();
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), id,
                "5511977770004@s.whatsapp.net", "", "quick one", true), Map.of());
        status(provider, id, "DELIVERY_ACK"); // before the message's echo grace has passed

        var posted = Eventually.value("it is in Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> list.stream().anyMatch(m -> "quick one".equals(m.content()))).stream()
                .filter(m -> "quick one".equals(m.content())).findFirst().orElseThrow();
        Eventually.until("Chatwoot shows delivered", () -> chatwoot.statusUpdates(chatwootAccount).stream()
                .anyMatch(update -> update.messageId() == posted.id() && "delivered".equals(update.status())));
    }

    @Test
    void aSendTheProviderRefusesShowsFailedWithItsError() {
        var refusal = providers.fail("POST", "/message/sendText/" + provider.key(), 400,
                "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":[\"exists: false\"]}}");
        try {
            var conversation = chatwoot.seedConversation(chatwootAccount, INBOX, "Ana", "+5511977770004");
            var seeded = chatwoot.seedReply(chatwootAccount, conversation.id(), "hello?");
            deliver(Gateway.chatwootReply(chatwootAccount, INBOX, conversation.id(), seeded.id(), "hello?",
                    "+5511977770004"));

            Eventually.until("Chatwoot shows failed", () -> message(seeded.id()).status().equals("failed"));
            assertThat(message(seeded.id()).externalError()).contains("exists: false");
            assertThat(chatwoot.messages(chatwootAccount)).noneMatch(FakeChatwoot.Message::privateNote);
        } finally {
            providers.remove(refusal);
        }
    }

    @Test
    void aSendThatBecameADeadLetterShowsFailedUntilAReplaySendsIt() {
        var down = providers.fail("POST", "/message/sendText/" + provider.key(), 503, "{\"error\":\"down\"}");
        var conversation = chatwoot.seedConversation(chatwootAccount, INBOX, "Bia", "+5511977770005");
        var seeded = chatwoot.seedReply(chatwootAccount, conversation.id(), "are you coming?");
        String letter;
        try {
            deliver(Gateway.chatwootReply(chatwootAccount, INBOX, conversation.id(), seeded.id(), "are you coming?",
                    "+5511977770005"));

            Eventually.until("Chatwoot shows failed for now", () -> message(seeded.id()).status().equals("failed"));
            assertThat(message(seeded.id()).externalError()).startsWith("Not sent yet: ");
            letter = http().bearer(tenant.admin().token()).get(deadLetters()).json().get("items").get(0).get("id")
                    .asString();
        } finally {
            providers.remove(down);
        }

        var replay = http().bearer(tenant.admin().token()).post(deadLetters() + "/" + letter + "/replay", "");
        assertThat(replay.status()).isEqualTo(202);

        Eventually.until("Chatwoot shows sent again", () -> message(seeded.id()).status().equals("sent"));
        assertThat(updates(seeded.id())).containsExactly("failed", "sent");
        assertThat(message(seeded.id()).externalError()).isNull();
    }

    @Test
    void whereTheInboxTakesNoStatusesAFailureBecomesANoteAndChatwootIsNotAskedAgain() {
        chatwoot.notAnApiInbox(chatwootAccount, OTHER_CHANNEL_INBOX);
        var own = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, OTHER_CHANNEL_INBOX);
        var first = agentReply(own, OTHER_CHANNEL_INBOX, "+5511977770006", "first");

        status(own, first.providerMessageId(), "DELIVERY_ACK");
        Eventually.until("Chatwoot refused once", () -> chatwoot.statusUpdates(chatwootAccount).size() == 1);
        status(own, first.providerMessageId(), "READ");
        var second = agentReply(own, OTHER_CHANNEL_INBOX, "+5511977770006", "second");
        status(own, second.providerMessageId(), "ERROR");

        var note = Eventually.value("the agents are told", () -> chatwoot.messages(chatwootAccount).stream()
                .filter(FakeChatwoot.Message::privateNote).toList(), notes -> !notes.isEmpty());
        assertThat(note).singleElement().satisfies(message -> {
            assertThat(message.conversationId()).isEqualTo(second.conversationId());
            assertThat(message.content()).startsWith("This message was not delivered on WhatsApp");
        });
        Eventually.settled(tenant.id());
        assertThat(chatwoot.statusUpdates(chatwootAccount)).singleElement()
                .satisfies(update -> assertThat(update.answered()).isEqualTo(403));
        assertThat(chatwoot.messages(chatwootAccount)).filteredOn(FakeChatwoot.Message::privateNote).hasSize(1);
    }

    @Test
    void aTokenThatMayNotSetStatusesGetsFailuresAsNotes() {
        var botToken = chatwoot.server().stubFor(patch(urlPathMatching("/api/v1/accounts/" + chatwootAccount
                + "/conversations/\\d+/messages/\\d+")).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"Access to this endpoint is not authorized for bots\"}")));
        try {
            var reply = agentReply(provider, INBOX, "+5511977770007", "one moment");

            status(provider, reply.providerMessageId(), "DELIVERY_ACK");
            Eventually.until("Chatwoot refused once", () -> patches() == 1);
            status(provider, reply.providerMessageId(), "ERROR");

            Eventually.until("the agents are told", () -> chatwoot.messages(chatwootAccount).stream()
                    .anyMatch(FakeChatwoot.Message::privateNote));
            Eventually.settled(tenant.id());
            assertThat(patches()).isEqualTo(1);
        } finally {
            chatwoot.remove(botToken);
        }
    }

    @Test
    void theMessageIsNotLockedWhileChatwootTakesItsTimeToTakeAStatus() throws Exception {
        var reply = agentReply(provider, INBOX, "+5511977770008", "slow to show");
        var slow = chatwoot.server().stubFor(patch(urlPathMatching("/api/v1/accounts/" + chatwootAccount
                + "/conversations/\\d+/messages/" + reply.chatwootMessageId())).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": " + reply.chatwootMessageId() + "}").withFixedDelay(1_500)));
        try {
            status(provider, reply.providerMessageId(), "DELIVERY_ACK");
            Eventually.until("Chatwoot is being told", () -> patches() == 1);

            var free = rowsFreeNow(reply.chatwootMessageId());
            var checkedAt = System.currentTimeMillis();
            var received = chatwoot.served(chatwootAccount).stream()
                    .filter(event -> event.getRequest().getMethod().getName().equals("PATCH")).findFirst()
                    .orElseThrow().getRequest().getLoggedDate().getTime();

            assertThat(checkedAt - received).as("looked while Chatwoot's answer was on its way").isLessThan(1_500);
            assertThat(free).as("the message's rows, while Chatwoot's answer was on its way").isTrue();
            Eventually.settled(tenant.id());
            assertThat(TestInfrastructure.owner().value("select chatwoot_status from gateway_messages where "
                    + "chatwoot_message_id = " + reply.chatwootMessageId())).isEqualTo("delivered");
            assertThat(patches()).isEqualTo(1);
        } finally {
            chatwoot.remove(slow);
        }
    }

    /** Whether the hub's rows of the Chatwoot message can be locked at once (none of its transactions holds them). */
    static boolean rowsFreeNow(long chatwootMessageId) throws java.sql.SQLException {
        var owner = TestInfrastructure.owner();
        try (var connection = java.sql.DriverManager.getConnection(owner.url(), owner.username(), owner.password())) {
            connection.setAutoCommit(false);
            try (var statement = connection.createStatement()) {
                statement.execute("select 1 from gateway_messages where chatwoot_message_id = " + chatwootMessageId
                        + " for update nowait");
                return true;
            } catch (java.sql.SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            } finally {
                connection.rollback();
            }
        }
    }

    /** An agent's reply in Chatwoot, sent on WhatsApp by the hub. */
    record Reply(long chatwootMessageId, long conversationId, String providerMessageId) {
    }

    Reply agentReply(Gateway.Provider through, long inbox, String phone, String text) {
        var conversation = chatwoot.conversations(chatwootAccount).stream()
                .filter(c -> c.inboxId() == inbox && chatwoot.contacts(chatwootAccount).stream()
                        .anyMatch(contact -> contact.id() == c.contactId() && phone.equals(contact.phone())))
                .findFirst().orElseGet(() -> chatwoot.seedConversation(chatwootAccount, inbox, "Contact", phone));
        var seeded = chatwoot.seedReply(chatwootAccount, conversation.id(), text);
        deliver(Gateway.chatwootReply(chatwootAccount, inbox, conversation.id(), seeded.id(), text, phone));
        var sent = Eventually.value("the reply is sent", () -> outbound(seeded.id()),
                m -> m.has("status") && m.get("status").asString().equals("sent"));
        return new Reply(seeded.id(), conversation.id(), sent.get("provider_message_id").asString());
    }

    JsonNode outbound(long chatwootMessageId) {
        var items = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id()
                + "/messages?direction=outbound").json().get("items");
        for (var item : items) {
            if (item.path("chatwoot_message_id").asLong(-1) == chatwootMessageId) {
                return item;
            }
        }
        return Gateway.JSON.createObjectNode();
    }

    void deliver(tools.jackson.databind.node.ObjectNode payload) {
        var body = Gateway.JSON.writeValueAsString(payload);
        var response = Gateway.post(http(), chatwootWebhook, body,
                Gateway.chatwootHeaders(SIGNING_SECRET, UUID.randomUUID().toString(), body));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    void status(Gateway.Provider through, String providerMessageId, String status) {
        var response = Gateway.post(http(), through.webhookPath(),
                Gateway.evolutionStatus(through.key(), providerMessageId, status), Map.of());
        assertThat(response.status()).isEqualTo(200);
    }

    FakeChatwoot.Message message(long chatwootMessageId) {
        return chatwoot.messages(chatwootAccount).stream().filter(m -> m.id() == chatwootMessageId).findFirst()
                .orElseThrow();
    }

    String shown(Reply reply) {
        return message(reply.chatwootMessageId()).status();
    }

    List<String> updates(Reply reply) {
        return updates(reply.chatwootMessageId());
    }

    List<String> updates(long chatwootMessageId) {
        return chatwoot.statusUpdates(chatwootAccount).stream().filter(u -> u.messageId() == chatwootMessageId)
                .map(FakeChatwoot.StatusUpdate::status).toList();
    }

    long patches() {
        return chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("PATCH")).count();
    }

    String deadLetters() {
        return "/api/v1/accounts/" + tenant.id() + "/gateway/dead-letters";
    }
}
