package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Contacts WhatsApp knows only by LID ({@code …@lid}): the phone behind a LID is learnt from what Evolution sends with
 * both, a message naming only the LID goes to the phone's conversation, and one from a contact whose phone is unknown
 * still reaches Chatwoot, and agents' replies reach it back.
 */
class LidContactsTests extends GatewayTest {

    static final long INBOX = 71;
    static final String SIGNING_SECRET = "chatwoot-lid-secret";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JsonMapper json;

    Gateway.Provider provider;
    String lid;
    String phone;

    LidContactsTests() {
        super(INBOX, SIGNING_SECRET);
    }

    @BeforeEach
    void anEvolutionNumberAndAContactsLidAndPhone() {
        provider = evolutionNumber();
        var random = ThreadLocalRandom.current();
        lid = random.nextLong(100_000_000_000_000L, 999_999_999_999_999L) + "@lid";
        phone = "+55119" + random.nextInt(10_000_000, 99_999_999);
    }

    @Test
    void aLidOnlyMessageAfterOneWithTheLidsPhoneJoinsThePhonesConversation() {
        message(provider, lid, jid(phone), "Lia", "first, with the phone");
        Eventually.until("the first message arrives", () -> chatwoot.messages(chatwootAccount).size() == 1);
        assertThat(Gateway.query("select phone from provider_lids where provider_id = '" + provider.id()
                + "' and lid = '" + lid + "'")).as("the phone learnt behind the LID").isEqualTo(phone);

        message(provider, lid, null, "Lia", "then by LID only");

        Eventually.until("the second message arrives", () -> chatwoot.messages(chatwootAccount).size() == 2);
        var conversation = chatwoot.conversations(chatwootAccount);
        assertThat(conversation).hasSize(1);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::conversationId)
                .containsOnly(conversation.getFirst().id());
        assertThat(chatwoot.contacts(chatwootAccount)).singleElement().satisfies(contact -> {
            assertThat(contact.phone()).isEqualTo(phone);
            assertThat(contact.identifier()).isEqualTo(jid(phone));
        });
    }

    @Test
    void aLidOnlyMessageFromAnUnknownContactReachesChatwootAndTheReplyGoesBackToTheLid() {
        message(provider, lid, null, "Lia", "my phone is hidden");

        var posted = Eventually.value("the message arrives", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(posted.content()).isEqualTo("my phone is hidden");
        assertThat(chatwoot.contacts(chatwootAccount)).singleElement().satisfies(contact -> {
            assertThat(contact.identifier()).isEqualTo(lid);
            assertThat(contact.phone()).isNull();
            assertThat(contact.name()).isEqualTo("Lia");
        });
        var listed = messages("inbound").get(0);
        assertThat(listed.get("contact_lid").asString()).isEqualTo(lid);
        assertThat(listed.get("contact_phone").isNull()).isTrue();
        assertThat(GatewayEvents.opened(posted.conversationId())).singleElement()
                .satisfies(opened -> assertThat(opened.contactPhoneE164()).isNull());

        reply(posted.conversationId(), 910_001, "We will call you back");

        var sent = Eventually.value("the reply reaches Evolution", () -> providers.sent(provider.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message -> {
            assertThat(message.path()).isEqualTo("/message/sendText/" + provider.key());
            assertThat(message.body().get("number").asString()).isEqualTo(lid);
        });
        Eventually.until("the reply is sent", () -> messages("outbound").size() == 1
                && messages("outbound").get(0).get("status").asString().equals("sent"));
        assertThat(messages("outbound").get(0).get("contact_lid").asString()).isEqualTo(lid);
    }

    @Test
    void onceThePhoneBehindALidIsKnownTheLidsConversationGoesOnAndRepliesGoToThePhone() {
        message(provider, lid, null, "Lia", "by LID");
        var conversation = Eventually.value("the message arrives", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst().conversationId();

        message(provider, lid, jid(phone), "Lia", "now with the phone");
        Eventually.until("the second message arrives", () -> chatwoot.messages(chatwootAccount).size() == 2);
        reply(conversation, 910_002, "Got it");

        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::conversationId)
                .containsOnly(conversation);
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
        assertThat(GatewayEvents.opened(conversation)).hasSize(1);
        var sent = Eventually.value("the reply reaches Evolution", () -> providers.sent(provider.key()),
                list -> !list.isEmpty());
        assertThat(sent.getFirst().body().get("number").asString()).isEqualTo(phone.substring(1));
    }

    @Test
    void aPhoneLearntFromAChatListBringsItsLaterMessagesIntoTheLidsConversation() {
        message(provider, lid, null, "Lia", "by LID");
        var conversation = Eventually.value("the message arrives", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst().conversationId();
        var chats = Gateway.JSON.createArrayNode();
        chats.addObject().put("remoteJid", jid(phone)).put("remoteLid", lid).put("name", "Lia")
                .put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001");
        post(provider, Gateway.evolution(provider.key(), "chats.set", chats));
        Eventually.until("the phone is learnt", () -> phone.equals(learnt(provider, lid)));

        post(provider, Gateway.evolutionMessage(provider.key(), "3EB0PN" + InboundBridgeTests.suffix(), jid(phone),
                "Lia", "from the phone, no LID", false));

        Eventually.until("the message arrives", () -> chatwoot.messages(chatwootAccount).size() == 2);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::conversationId)
                .containsOnly(conversation);
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
    }

    @Test
    void aChatListLargerThanTheApiBodyLimitIsTakenWhole() {
        var chats = Gateway.JSON.createArrayNode();
        for (int i = 0; i < 12_000; i++) {
            chats.addObject().put("remoteJid", "55119" + String.format("%08d", i) + "@s.whatsapp.net")
                    .put("name", "Contact number " + i).put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001");
        }
        chats.addObject().put("remoteJid", jid(phone)).put("remoteLid", lid).put("name", "Lia")
                .put("instanceId", "a2c4e6f8-0000-4000-8000-000000000001");
        var body = Gateway.evolution(provider.key(), "chats.set", chats);
        assertThat(body.length()).as("a body over the 1 MB API limit").isGreaterThan(1_100_000);

        post(provider, body);

        Eventually.until("the phone is learnt", () -> phone.equals(learnt(provider, lid)));
    }

    @Test
    void whatOneAccountLearntIsNeverUsedByAnother() {
        message(provider, lid, jid(phone), "Lia", "teaches this account");
        Eventually.until("the phone is learnt", () -> phone.equals(learnt(provider, lid)));
        var other = new Fixtures(http()).tenant("Other Lids");
        var otherChatwoot = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), other.admin().token(), other.id(), otherChatwoot, INBOX, null);
        var otherProvider = Gateway.evolution(http(), other.admin().token(), other.id(), null, null);

        message(otherProvider, lid, null, "Lia", "same LID, other account");

        Eventually.until("the message arrives", () -> chatwoot.messages(otherChatwoot).size() == 1);
        assertThat(chatwoot.contacts(otherChatwoot)).singleElement().satisfies(contact -> {
            assertThat(contact.identifier()).isEqualTo(lid);
            assertThat(contact.phone()).isNull();
        });
        assertThat(Tenancy.callAs(AccountId.of(other.id()), () -> lidRows())).as("rows the other account sees")
                .isZero();
        assertThat(Tenancy.callAs(AccountId.of(tenant.id()), () -> lidRows())).isEqualTo(1);
        chatwoot.assertEveryRequestConforms(otherChatwoot);
    }

    @Test
    void anInboundJobStoredBeforeLidsExistedStillReads() {
        var stored = """
                {"provider_id": "%s", "message": {"provider_message_id": "3EB0OLD", "from": "+5511999999999",
                 "sender_name": "Ana", "text": "oi", "media": null, "timestamp": "2024-06-06T13:38:17Z",
                 "from_me": false}}""".formatted(provider.id());

        var job = json.readValue(stored, JobKind.Inbound.class);

        assertThat(job.message().from()).isEqualTo("+5511999999999");
        assertThat(job.message().lid()).isNull();
        assertThat(job.message().timestamp()).isEqualTo(Instant.parse("2024-06-06T13:38:17Z"));
    }

    /** An Evolution message in a chat addressed by {@code lid}, with the phone as {@code remoteJidAlt} if given. */
    void message(Gateway.Provider to, String lid, @Nullable String phoneJid, String pushName, String text) {
        var data = Gateway.JSON.createObjectNode();
        var key = data.putObject("key").put("remoteJid", lid).put("fromMe", false)
                .put("id", "3EB0LID" + InboundBridgeTests.suffix());
        if (phoneJid != null) {
            key.put("remoteJidAlt", phoneJid);
        }
        data.put("pushName", pushName).put("messageType", "conversation").put("messageTimestamp", 1_717_689_097L);
        data.putObject("message").put("conversation", text);
        post(to, Gateway.evolution(to.key(), "messages.upsert", data));
    }

    void post(Gateway.Provider to, String body) {
        assertThat(Gateway.post(http(), to.webhookPath(), body, Map.of()).status()).isEqualTo(200);
    }

    void reply(long conversation, long messageId, String content) {
        var body = Gateway.JSON.writeValueAsString(
                Gateway.chatwootReply(chatwootAccount, INBOX, conversation, messageId, content, ""));
        var response = Gateway.post(http(), chatwootWebhook, body,
                Gateway.chatwootHeaders(SIGNING_SECRET, UUID.randomUUID().toString(), body));
        assertThat(response.status()).isEqualTo(200);
    }

    JsonNode messages(String direction) {
        return http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=" + direction).json().get("items");
    }

    static @Nullable String learnt(Gateway.Provider provider, String lid) {
        return Gateway.query("select (select phone from provider_lids where provider_id = '" + provider.id()
                + "' and lid = '" + lid + "')");
    }

    long lidRows() {
        return transactions.execute(status -> jdbc.sql("select count(*) from provider_lids").query(Long.class)
                .single());
    }

    static String jid(String e164) {
        return e164.substring(1) + "@s.whatsapp.net";
    }
}
