package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * WhatsApp to Chatwoot, against a Chatwoot fake that remembers what it was sent and checks every request against
 * Chatwoot's published API.
 */
class InboundBridgeTests extends GatewayTest {

    static final long INBOX = 51;

    @Autowired
    Conversations conversations;
    @Autowired
    ChatwootConnections connections;

    InboundBridgeTests() {
        super(INBOX);
    }

    @Test
    void fiveDeliveriesOfOneWebhookMakeOneChatwootMessage() {
        var provider = Gateway.cloudApi(http(), tenant.admin().token(), tenant.id(), "secret-5x", "v", null);
        var body = Gateway.cloudExample("inbound.text-message.json", provider);
        var headers = Map.of("X-Hub-Signature-256", Gateway.metaSignature("secret-5x", body));

        for (int i = 0; i < 5; i++) {
            assertThat(Gateway.post(http(), provider.webhookPath(), body, headers).status()).isEqualTo(200);
        }

        var messages = Eventually.value("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty());
        Eventually.settled(tenant.id());
        messages = chatwoot.messages(chatwootAccount);
        assertThat(messages).singleElement().satisfies(message -> {
            assertThat(message.content()).isEqualTo("Does it come in another color?");
            assertThat(message.type()).isEqualTo("incoming");
            assertThat(message.sourceId())
                    .isEqualTo("whatpro:wa:wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
        });
        assertThat(chatwoot.contacts(chatwootAccount)).singleElement().satisfies(contact -> {
            assertThat(contact.phone()).isEqualTo("+16505551234");
            assertThat(contact.name()).isEqualTo("Sheena Nelson");
            assertThat(contact.identifier()).isEqualTo("16505551234@s.whatsapp.net");
        });
        var conversation = chatwoot.conversations(chatwootAccount).getFirst();
        assertThat(conversation.inboxId()).isEqualTo(INBOX);
        assertThat(GatewayEvents.opened(conversation.id())).singleElement().satisfies(opened -> {
            assertThat(opened.account()).isEqualTo(AccountId.of(tenant.id()));
            assertThat(opened.contactPhoneE164()).isEqualTo("+16505551234");
            assertThat(opened.contactName()).isEqualTo("Sheena Nelson");
        });
        var listed = http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages?direction=inbound").json().get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("chatwoot_conversation_id").asLong()).isEqualTo(conversation.id());
        assertThat(listed.get(0).get("chatwoot_message_id").asLong()).isEqualTo(messages.getFirst().id());
        assertThat(listed.get(0).get("status").asString()).isEqualTo("received");
    }

    @Test
    void twoConcurrentMessagesFromANewContactOpenOneConversation() throws Exception {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var slowSearch = chatwoot.slow(chatwootAccount, "GET", "contacts/search", 400);
        try {
            var bodies = List.of(
                    Gateway.evolutionMessage(provider.key(), "3EB0C1" + suffix(), "5511977770001@s.whatsapp.net",
                            "Bia", "first", false),
                    Gateway.evolutionMessage(provider.key(), "3EB0C2" + suffix(), "5511977770001@s.whatsapp.net",
                            "Bia", "second", false));
            var start = new CountDownLatch(1);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var calls = new ArrayList<java.util.concurrent.Future<Integer>>();
                for (var body : bodies) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        return Gateway.post(http(), provider.webhookPath(), body, Map.of()).status();
                    }));
                }
                start.countDown();
                for (var call : calls) {
                    assertThat(call.get()).isEqualTo(200);
                }
            }

            Eventually.until("both messages reach Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 2);
        } finally {
            chatwoot.remove(slowSearch);
        }
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
        assertThat(chatwoot.contacts(chatwootAccount)).hasSize(1);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::content)
                .containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void concurrentWorkersFindingANewContactsConversationOpenOnlyOne() throws Exception {
        var account = AccountId.of(tenant.id());
        var client = Tenancy.callAs(account, () -> connections.client(account)).orElseThrow();
        var slowSearch = chatwoot.slow(chatwootAccount, "GET", "contacts/search", 300);
        var found = new ArrayList<Conversations.Conversation>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new CountDownLatch(1);
            var calls = new ArrayList<java.util.concurrent.Future<Conversations.Conversation>>();
            for (int i = 0; i < 6; i++) {
                Callable<Conversations.Conversation> ensure = () -> {
                    start.await();
                    return Tenancy.callAs(account, () -> conversations.ensure(account, client, INBOX,
                            UUID.randomUUID(), new WhatsAppContact("+5511966660001", null), "Caio"));
                };
                calls.add(pool.submit(ensure));
            }
            start.countDown();
            for (var call : calls) {
                found.add(call.get());
            }
        } finally {
            chatwoot.remove(slowSearch);
        }

        assertThat(found).extracting(Conversations.Conversation::conversationId).containsOnly(found.getFirst()
                .conversationId());
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
        assertThat(GatewayEvents.opened(found.getFirst().conversationId())).hasSize(1);
    }

    @Test
    void aNewConversationBecomesACardOnTheDefaultBoard() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0C1" + suffix(),
                "5511955550077@s.whatsapp.net", "Carla", "I want a quote", false), Map.of());
        Eventually.until("the message arrives", () -> chatwoot.messages(chatwootAccount).size() == 1);
        var conversation = chatwoot.conversations(chatwootAccount).getFirst().id();
        var admin = http().bearer(tenant.admin().token());
        var base = "/api/v1/accounts/" + tenant.id();

        var card = Eventually.value("the conversation's card appears", () -> {
            var boards = admin.get(base + "/boards").json().get("items");
            if (boards.isEmpty()) {
                return null;
            }
            var cards = admin.get(base + "/boards/" + boards.get(0).get("id").asString() + "/cards").json().get("items");
            return cards.valueStream().filter(c -> c.get("conversation_ids").valueStream()
                    .anyMatch(id -> id.asLong() == conversation)).findFirst().orElse(null);
        }, found -> found != null);

        assertThat(card.get("contact").get("phone").asString()).isEqualTo("+5511955550077");
        assertThat(card.get("title").asString()).contains("Carla");
    }

    @Test
    void aLaterMessageOfTheContactGoesToTheSameConversation() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0L1" + suffix(),
                "5511955550001@s.whatsapp.net", "Duda", "hello", false), Map.of());
        Eventually.until("the first message arrives", () -> chatwoot.messages(chatwootAccount).size() == 1);

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0L2" + suffix(),
                "5511955550001@s.whatsapp.net", "Duda", "again", false), Map.of());

        Eventually.until("the second message arrives", () -> chatwoot.messages(chatwootAccount).size() == 2);
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::conversationId)
                .containsOnly(chatwoot.conversations(chatwootAccount).getFirst().id());
        assertThat(chatwoot.messages(chatwootAccount)).extracting(FakeChatwoot.Message::content)
                .containsExactly("hello", "again");
    }

    @Test
    void reusesTheConversationChatwootAlreadyHasWithTheContact() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var existing = chatwoot.seedConversation(chatwootAccount, INBOX, "Edu", "+5511944440001");

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0R1" + suffix(),
                "5511944440001@s.whatsapp.net", "Edu", "back again", false), Map.of());

        Eventually.until("the message arrives", () -> chatwoot.messages(chatwootAccount).size() == 1);
        assertThat(chatwoot.messages(chatwootAccount).getFirst().conversationId()).isEqualTo(existing.id());
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(1);
        assertThat(GatewayEvents.opened(existing.id())).isEmpty();
    }

    @Test
    void postsAMessageTheNumberSentFromThePhoneAsOutgoing() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0P1" + suffix(),
                "5511933330001@s.whatsapp.net", "", "sent from my phone", true), Map.of());

        var message = Eventually.value("the message arrives", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(message.type()).isEqualTo("outgoing");
        assertThat(message.content()).isEqualTo("sent from my phone");
        assertThat(message.sourceId()).startsWith("whatpro:wa:3EB0P1");
    }

    @Test
    void mapsAnEvolutionLidChatToThePhoneNumberEvolutionGives() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var data = Gateway.JSON.createObjectNode();
        data.putObject("key").put("remoteJid", "123456789012345@lid").put("fromMe", false)
                .put("id", "3EB0LID" + suffix()).put("remoteJidAlt", "5511922220001@s.whatsapp.net");
        data.put("pushName", "Lia").put("messageType", "conversation").put("messageTimestamp", 1_717_689_097L);
        data.putObject("message").put("conversation", "via lid");

        Gateway.post(http(), provider.webhookPath(), Gateway.evolution(provider.key(), "messages.upsert", data),
                Map.of());

        Eventually.until("the message arrives", () -> chatwoot.messages(chatwootAccount).size() == 1);
        assertThat(chatwoot.contacts(chatwootAccount)).singleElement()
                .satisfies(contact -> assertThat(contact.phone()).isEqualTo("+5511922220001"));
    }

    @Test
    void attachesMediaTheProviderGivesByUrl() {
        var provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        var mediaPath = "/media/" + suffix() + "/photo.jpg";
        FakeChatwoot.get().server().stubFor(get(urlPathEqualTo(mediaPath)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3})));
        var data = Gateway.JSON.createObjectNode();
        data.putObject("key").put("remoteJid", "5511911110001@s.whatsapp.net").put("fromMe", false)
                .put("id", "3EB0IMG" + suffix());
        data.put("pushName", "Gil").put("messageType", "imageMessage").put("messageTimestamp", 1_717_689_097L);
        data.putObject("message").put("mediaUrl", chatwoot.baseUrl() + mediaPath).putObject("imageMessage")
                .put("mimetype", "image/jpeg").put("caption", "look");

        Gateway.post(http(), provider.webhookPath(), Gateway.evolution(provider.key(), "messages.upsert", data),
                Map.of());

        var message = Eventually.value("the message arrives", () -> chatwoot.messages(chatwootAccount),
                list -> !list.isEmpty()).getFirst();
        assertThat(message.attachments()).isEqualTo(1);
        assertThat(message.content()).isEqualTo("look");
    }

    @Test
    void keepsMessagesOfAnAccountWithoutChatwootAndListsThem() {
        var other = new Fixtures(http()).tenant("No Chatwoot");
        var provider = Gateway.evolution(http(), other.admin().token(), other.id(), null, null);

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0NC" + suffix(),
                "5511900000001@s.whatsapp.net", "Ivo", "anyone there?", false), Map.of());

        var items = Eventually.value("the message is listed", () -> http().bearer(other.admin().token())
                .get("/api/v1/accounts/" + other.id() + "/messages").json().get("items"), list -> list.size() == 1);
        assertThat(items.get(0).get("text").asString()).isEqualTo("anyone there?");
        assertThat(items.get(0).get("contact_phone").asString()).isEqualTo("+5511900000001");
        assertThat(http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + other.id() + "/messages").status()).isEqualTo(404);
    }

    static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
    }

    static URI uri(String value) {
        return URI.create(value);
    }
}
