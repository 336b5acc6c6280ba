package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.KeyMaterial;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.KeyRing;
import com.whatpro.hub.platform.crypto.SealedColumns;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each WhatsApp number of an account has its own Chatwoot inbox, its own conversations there, and the replies written
 * there leave through it; Cloud API numbers send approved templates at any time and anything else only within 24 hours
 * of the contact's last message. Graph and Chatwoot are WireMock fakes, every request they get checked against the
 * vendors' published specs.
 */
@TestPropertySource(properties = "whatpro.public-url=" + NumbersInboxesTemplatesTests.PUBLIC_URL)
class NumbersInboxesTemplatesTests extends GatewayTest {

    static final String PUBLIC_URL = "https://hub.example.test";
    static final long ACCOUNT_INBOX = 70;
    static final String APP_SECRET = "meta-app-secret-n";
    static final String ACCOUNT_WEBHOOK_SECRET = "account-webhook-secret-n";

    @Autowired
    SealedColumns rotation;
    @Autowired
    ChatwootInboxSecrets inboxSecrets;
    @Autowired
    KeyMaterial keys;

    NumbersInboxesTemplatesTests() {
        super(ACCOUNT_INBOX);
    }

    // --- a Chatwoot inbox per number

    @Test
    void eachNumberGetsItsOwnInboxConversationsAndReplies() {
        var first = cloudNumber("Loja Centro", null);
        var second = cloudNumber("Loja Norte", null);

        var firstInbox = inboxOf(first);
        var secondInbox = inboxOf(second);
        assertThat(firstInbox).isNotEqualTo(secondInbox).isNotEqualTo(ACCOUNT_INBOX);
        assertThat(chatwoot.inboxes(chatwootAccount)).extracting(FakeChatwoot.Inbox::name)
                .containsExactlyInAnyOrder("Loja Centro", "Loja Norte");
        assertThat(chatwoot.inboxes(chatwootAccount)).allSatisfy(inbox -> {
            assertThat(inbox.channelType()).isEqualTo("Channel::Api");
            assertThat(inbox.webhookUrl()).isEqualTo(PUBLIC_URL + chatwootWebhook);
        });

        // the same contact writes to both numbers: one conversation per number, each in that number's inbox
        inbound(first, "+5511977770001", "Ana", "oi, centro");
        inbound(second, "+5511977770001", "Ana", "oi, norte");
        var conversations = Eventually.value("both messages are in conversations",
                () -> chatwoot.conversations(chatwootAccount), list -> list.size() == 2
                        && chatwoot.messages(chatwootAccount).size() == 2);
        var inSecond = conversations.stream().filter(c -> c.inboxId() == secondInbox).findFirst().orElseThrow();
        assertThat(conversations).extracting(FakeChatwoot.Conversation::inboxId)
                .containsExactlyInAnyOrder(firstInbox, secondInbox);
        assertThat(chatwoot.messages(chatwootAccount)).filteredOn(m -> m.conversationId() == inSecond.id())
                .extracting(FakeChatwoot.Message::content).containsExactly("oi, norte");

        // an agent answers in the second number's inbox: it leaves through the second number only
        var reply = Gateway.chatwootReply(chatwootAccount, secondInbox, inSecond.id(), 910_001, "Bom dia!",
                "+5511977770001");
        var body = Gateway.JSON.writeValueAsString(reply);
        assertThat(Gateway.post(http(), chatwootWebhook, body,
                Gateway.chatwootHeaders(null, UUID.randomUUID().toString(), body)).status()).isEqualTo(200);
        var sent = Eventually.value("the reply reaches Meta", () -> providers.sent(second.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message -> {
            assertThat(message.path()).endsWith("/" + second.key() + "/messages");
            assertThat(message.body().get("to").asString()).isEqualTo("5511977770001");
            assertThat(message.body().get("text").get("body").asString()).isEqualTo("Bom dia!");
        });
        Eventually.settled(tenant.id());
        assertThat(providers.sent(first.key())).isEmpty();
    }

    @Test
    void aNumberAdoptsTheApiInboxOfItsNameAndRefusesAnInboxThatIsNotAnApiChannel() {
        var number = cloudNumber("Loja Rio", null, ACCOUNT_INBOX);
        var name = number.created().get("name").asString();
        var existing = chatwoot.seedInbox(chatwootAccount, name, "Channel::Api");

        var adopted = http().bearer(tenant.admin().token()).post(inboxRoute(number.id()), Map.of());

        assertThat(adopted.status()).as(adopted.body()).isEqualTo(200);
        assertThat(adopted.json().get("chatwoot_inbox_id").asLong()).isEqualTo(existing.id());
        assertThat(chatwoot.inboxes(chatwootAccount)).singleElement()
                .satisfies(inbox -> assertThat(inbox.webhookUrl()).isEqualTo(PUBLIC_URL + chatwootWebhook));
        assertThat(provider(number.id()).get("chatwoot_inbox_id").asLong()).isEqualTo(existing.id());

        var other = cloudNumber("Loja Lago", null, ACCOUNT_INBOX);
        chatwoot.seedInbox(chatwootAccount, other.created().get("name").asString(), "Channel::WebWidget");
        var refused = http().bearer(tenant.admin().token()).post(inboxRoute(other.id()), Map.of());
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("inbox-not-api-channel");
        assertThat(provider(other.id()).get("chatwoot_inbox_id").asLong()).isEqualTo(ACCOUNT_INBOX);
    }

    @Test
    void onlyAdminsOfTheAccountCreateInboxesAndSyncTemplates() {
        var number = cloudNumber("Loja Sul", "500100200300");
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var stranger = new Fixtures(http()).tenant("Stranger");

        assertThat(http().bearer(agent.token()).post(inboxRoute(number.id()), Map.of()).status()).isEqualTo(403);
        assertThat(http().bearer(agent.token()).post(templatesRoute(number.id()) + "/sync", Map.of()).status())
                .isEqualTo(403);
        assertThat(http().bearer(agent.token()).get(templatesRoute(number.id())).status()).isEqualTo(200);

        var foreignInbox = "/api/v1/accounts/" + stranger.id() + "/providers/" + number.id() + "/chatwoot-inbox";
        var foreignTemplates = "/api/v1/accounts/" + stranger.id() + "/providers/" + number.id() + "/templates";
        assertThat(http().bearer(stranger.admin().token()).post(foreignInbox, Map.of()).status()).isEqualTo(404);
        assertThat(http().bearer(stranger.admin().token()).post(foreignTemplates + "/sync", Map.of()).status())
                .isEqualTo(404);
        assertThat(http().bearer(stranger.admin().token()).get(foreignTemplates).status()).isEqualTo(404);
        var foreignSend = http().bearer(stranger.admin().token()).post("/api/v1/accounts/" + stranger.id()
                + "/messages", Map.of("provider_id", number.id().toString(), "to", "+5511977770009", "text", "x"));
        assertThat(foreignSend.status()).isEqualTo(422);
    }

    // --- templates and the service window

    @Test
    void templatesAreSyncedFromTheWabaAndSentWithPositionalAndNamedParameters() {
        var waba = "500100200301";
        providers.templates(waba, templates());
        var number = cloudNumber("Loja Leste", waba);

        var synced = http().bearer(tenant.admin().token()).post(templatesRoute(number.id()) + "/sync", Map.of());
        assertThat(synced.status()).as(synced.body()).isEqualTo(200);
        var listed = http().bearer(tenant.admin().token()).get(templatesRoute(number.id())).json().get("items");
        assertThat(listed).hasSize(3);
        assertThat(listed.get(1).get("name").asString()).isEqualTo("order_update");
        assertThat(listed.get(1).get("language").asString()).isEqualTo("pt_BR");
        assertThat(listed.get(1).get("category").asString()).isEqualTo("UTILITY");
        assertThat(listed.get(1).get("status").asString()).isEqualTo("APPROVED");
        assertThat(listed.get(1).get("components").get(0).get("type").asString()).isEqualTo("BODY");

        // never written to: free text is refused, templates go out
        var positional = send(number, Map.of("name", "order_update", "language", "pt_BR", "components",
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text", "text", "Ana"),
                        Map.of("type", "text", "text", "#4411"))))));
        var named = send(number, Map.of("name", "welcome_named", "language", "en_US", "components",
                List.of(Map.of("type", "body", "parameters", List.of(Map.of("type", "text",
                        "parameter_name", "customer_name", "text", "Bo"))))));
        assertThat(positional.status()).as(positional.body()).isEqualTo(202);
        assertThat(named.status()).as(named.body()).isEqualTo(202);

        var sent = Eventually.value("both reach Meta", () -> providers.sent(number.key()), list -> list.size() == 2);
        var bodies = sent.stream().map(FakeProviders.Sent::body).toList();
        var order = bodies.stream().filter(b -> b.get("template").get("name").asString().equals("order_update"))
                .findFirst().orElseThrow();
        assertThat(order.get("type").asString()).isEqualTo("template");
        assertThat(order.get("to").asString()).isEqualTo("5511977770002");
        assertThat(order.get("template").get("language").get("code").asString()).isEqualTo("pt_BR");
        assertThat(order.get("template").get("components").get(0).get("parameters").get(1).get("text").asString())
                .isEqualTo("#4411");
        var welcome = bodies.stream().filter(b -> b.get("template").get("name").asString().equals("welcome_named"))
                .findFirst().orElseThrow();
        assertThat(welcome.get("template").get("components").get(0).get("parameters").get(0)
                .get("parameter_name").asString()).isEqualTo("customer_name");
        var message = Eventually.value("it is sent", () -> http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/messages/" + positional.json().get("id").asString())
                .json(), m -> m.get("status").asString().equals("sent"));
        assertThat(message.get("text").asString()).isEqualTo("Olá Ana, seu pedido #4411 saiu para entrega.");
        assertThat(message.get("template").get("name").asString()).isEqualTo("order_update");
    }

    @Test
    void anAutomationSendsAnApprovedTemplateWithTheContactsNameFilledInAndRefusesAnUnknownOne() {
        var waba = "500100200302";
        providers.templates(waba, templates());
        var number = cloudNumber("Loja Sul", waba);
        var synced = http().bearer(tenant.admin().token()).post(templatesRoute(number.id()) + "/sync", Map.of());
        assertThat(synced.status()).as(synced.body()).isEqualTo(200);
        var automations = "/api/v1/accounts/" + tenant.id() + "/automations";
        var admin = http().bearer(tenant.admin().token());

        for (var refused : List.of("no_such_template", "old_promo")) {
            var bad = admin.post(automations, Map.of("name", "bad", "trigger", Map.of("type", "conversation.opened"),
                    "actions", List.of(Map.of("type", "send_whatsapp", "template",
                            Map.of("name", refused, "language", "en_US")))));
            assertThat(bad.status()).as(bad.body()).isEqualTo(422);
            assertThat(bad.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("actions[0].template.name");
            assertThat(bad.json().get("errors").get(0).get("message").asString()).contains(refused);
        }
        var created = admin.post(automations, Map.of("name", "Order greeting", "trigger",
                Map.of("type", "conversation.opened"), "actions", List.of(Map.of("type", "send_whatsapp",
                        "template", Map.of("name", "order_update", "language", "pt_BR", "components",
                                List.of(Map.of("type", "body", "parameters", List.of(
                                        Map.of("type", "text", "text", "{{contact.name}}"),
                                        Map.of("type", "text", "text", "#4411")))))))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("actions").get(0).get("template").get("name").asString())
                .isEqualTo("order_update");

        inbound(number, "+5511977770009", "Ana Lima", "oi");

        var sent = Eventually.value("the template reaches Meta", () -> providers.sent(number.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message -> {
            assertThat(message.path()).endsWith("/" + number.key() + "/messages");
            assertThat(message.body().get("type").asString()).isEqualTo("template");
            assertThat(message.body().get("to").asString()).isEqualTo("5511977770009");
            var template = message.body().get("template");
            assertThat(template.get("name").asString()).isEqualTo("order_update");
            assertThat(template.get("language").get("code").asString()).isEqualTo("pt_BR");
            assertThat(template.get("components").get(0).get("parameters").get(0).get("text").asString())
                    .isEqualTo("Ana Lima");
        });
        var listed = Eventually.value("it is listed as sent", () -> admin.get("/api/v1/accounts/" + tenant.id()
                + "/messages?direction=outbound").json().get("items"),
                items -> !items.isEmpty() && items.get(0).get("status").asString().equals("sent"));
        assertThat(listed.get(0).get("text").asString()).isEqualTo("Olá Ana Lima, seu pedido #4411 saiu para entrega.");
        assertThat(listed.get(0).get("template").get("name").asString()).isEqualTo("order_update");
    }

    @Test
    void anUnknownOrUnapprovedTemplateIsRefusedAndTemplatesNeedTheWaba() {
        var waba = "500100200302";
        providers.templates(waba, templates());
        var number = cloudNumber("Loja Oeste", waba);
        http().bearer(tenant.admin().token()).post(templatesRoute(number.id()) + "/sync", Map.of());

        var unknown = send(number, Map.of("name", "no_such_template", "language", "pt_BR"));
        var rejected = send(number, Map.of("name", "old_promo", "language", "en_US"));
        var badComponents = send(number, Map.of("name", "order_update", "language", "pt_BR", "components", "body"));
        var withoutWaba = cloudNumber("Loja Ilha", null);
        var noWaba = http().bearer(tenant.admin().token()).post(templatesRoute(withoutWaba.id()) + "/sync", Map.of());

        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("template.name");
        assertThat(unknown.json().get("errors").get(0).get("message").asString()).contains("no_such_template");
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.json().get("errors").get(0).get("message").asString()).contains("REJECTED");
        assertThat(badComponents.status()).isEqualTo(422);
        assertThat(noWaba.status()).isEqualTo(422);
        assertThat(noWaba.json().get("errors").get(0).get("field").asString()).isEqualTo("credentials.waba_id");
        assertThat(providers.sent(number.key())).isEmpty();
    }

    @Test
    void freeTextIsRefusedOutsideTheWindowAndSentInsideIt() {
        var number = cloudNumber("Loja Praia", null);

        var outside = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", number.id().toString(), "to", "+5511977770003", "text", "still there?"));
        assertThat(outside.status()).as(outside.body()).isEqualTo(422);
        assertThat(outside.json().get("type").asString()).endsWith("outside-service-window");
        assertThat(outside.headers().get("content-type").getFirst()).startsWith("application/problem+json");

        // the contact writes: the window opens for that contact on that number
        inbound(number, "+5511977770003", "Caio", "oi");
        var inside = Eventually.value("the window is open", () -> http().bearer(tenant.admin().token())
                .post("/api/v1/accounts/" + tenant.id() + "/messages", Map.of("provider_id", number.id().toString(),
                        "to", "+5511977770003", "text", "still there?")), response -> response.status() == 202);
        var sent = Eventually.value("it reaches Meta", () -> providers.sent(number.key()), list -> !list.isEmpty());
        assertThat(sent.getFirst().body().get("text").get("body").asString()).isEqualTo("still there?");
        assertThat(inside.json().get("status").asString()).isEqualTo("pending");

        // another contact of the same number is still outside
        var other = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", number.id().toString(), "to", "+5511977770004", "text", "hello"));
        assertThat(other.status()).isEqualTo(422);
    }

    @Test
    void anAgentsReplyOutsideTheWindowIsNotSentAndTheAgentsAreToldInAPrivateNote() {
        var number = cloudNumber("Loja Serra", null);
        var inbox = inboxOf(number);
        var seeded = chatwoot.seedConversation(chatwootAccount, inbox, "Duda", "+5511977770005");
        var reply = chatwoot.seedReply(chatwootAccount, seeded.id(), "are you there?");

        var payload = Gateway.chatwootReply(chatwootAccount, inbox, seeded.id(), reply.id(), "are you there?",
                "+5511977770005");
        var body = Gateway.JSON.writeValueAsString(payload);
        Gateway.post(http(), chatwootWebhook, body, Gateway.chatwootHeaders(null, UUID.randomUUID().toString(), body));

        var note = Eventually.value("a private note explains it", () -> chatwoot.messages(chatwootAccount),
                list -> list.stream().anyMatch(FakeChatwoot.Message::privateNote));
        assertThat(note).filteredOn(FakeChatwoot.Message::privateNote).singleElement()
                .satisfies(m -> assertThat(m.content()).contains("24 hours").contains("template"));
        assertThat(note.getFirst().conversationId()).isEqualTo(seeded.id());
        assertThat(providers.sent(number.key())).isEmpty();
    }

    @Test
    void metasReEngagementErrorFailsTheMessageAsOutsideTheWindow() {
        var number = cloudNumber("Loja Porto", null);
        Gateway.openServiceWindow(tenant.id(), number.id(), "+5511977770006");
        var refusal = providers.fail("POST", "/v23.0/" + number.key() + "/messages", 400, """
                {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
                 "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because more \
                than 24 hours have passed since the customer last replied to this number."},
                 "fbtrace_id": "AbCdEf"}}""");
        try {
            var id = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                    Map.of("provider_id", number.id().toString(), "to", "+5511977770006", "text", "hi"))
                    .json().get("id").asString();

            var failed = Eventually.value("it fails", () -> http().bearer(tenant.admin().token())
                    .get("/api/v1/accounts/" + tenant.id() + "/messages/" + id).json(),
                    m -> m.get("status").asString().equals("failed"));
            assertThat(failed.get("error").get("code").asString()).isEqualTo("outside-service-window");
            assertThat(failed.get("error").get("message").asString()).contains("24 hours");
        } finally {
            providers.remove(refusal);
        }
    }

    @Test
    void anAgentsReplyMetaRefusesWithItsReEngagementErrorFailsInChatwootWithAPrivateNote() {
        var number = cloudNumber("Loja Campo", null);
        var inbox = inboxOf(number);
        var seeded = chatwoot.seedConversation(chatwootAccount, inbox, "Eva", "+5511977770008");
        var reply = chatwoot.seedReply(chatwootAccount, seeded.id(), "hello again");
        Gateway.openServiceWindow(tenant.id(), number.id(), "+5511977770008");
        var refusal = providers.fail("POST", "/v23.0/" + number.key() + "/messages", 400, """
                {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
                 "fbtrace_id": "AbCdEg"}}""");
        try {
            var body = Gateway.JSON.writeValueAsString(Gateway.chatwootReply(chatwootAccount, inbox, seeded.id(),
                    reply.id(), "hello again", "+5511977770008"));
            Gateway.post(http(), chatwootWebhook, body,
                    Gateway.chatwootHeaders(null, UUID.randomUUID().toString(), body));

            var shown = Eventually.value("the reply shows failed and a note explains it",
                    () -> chatwoot.messages(chatwootAccount),
                    list -> list.stream().anyMatch(FakeChatwoot.Message::privateNote)
                            && list.stream().anyMatch(m -> m.id() == reply.id() && m.status().equals("failed")));
            assertThat(shown).filteredOn(FakeChatwoot.Message::privateNote).singleElement()
                    .satisfies(m -> assertThat(m.content()).contains("24 hours"));
            assertThat(shown).filteredOn(m -> m.id() == reply.id()).singleElement()
                    .satisfies(m -> assertThat(m.externalError()).contains("24 hours"));
        } finally {
            providers.remove(refusal);
        }
    }

    @Test
    void aFailedStatusWithMetasReEngagementErrorIsToldAsOutsideTheWindow() {
        var number = cloudNumber("Loja Vale", null);
        Gateway.openServiceWindow(tenant.id(), number.id(), "+5511977770007");
        var id = http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", number.id().toString(), "to", "+5511977770007", "text", "hi"))
                .json().get("id").asString();
        var sent = Eventually.value("it reaches Meta", () -> providers.sent(number.key()), list -> !list.isEmpty())
                .getFirst();
        Eventually.until("it is sent", () -> message(id).get("status").asString().equals("sent"));

        var failed = (ObjectNode) Gateway.JSON.readTree(Gateway.cloudExample("status.failed.json", number));
        var status = (ObjectNode) failed.get("entry").get(0).get("changes").get(0).get("value").get("statuses").get(0);
        status.put("id", sent.id());
        ((ObjectNode) status.get("errors").get(0)).put("code", 131047).put("title", "Re-engagement message");
        var body = Gateway.JSON.writeValueAsString(failed);
        Gateway.post(http(), number.webhookPath(), body, Map.of("X-Hub-Signature-256",
                Gateway.metaSignature(APP_SECRET, body)));

        var message = Eventually.value("it failed", () -> message(id), m -> m.get("status").asString().equals("failed"));
        assertThat(message.get("error").get("code").asString()).isEqualTo("outside-service-window");
    }

    // --- deliveries signed by each number's inbox (Chatwoot versions with per-inbox secrets)

    @Test
    void aReplySignedWithItsInboxsOwnSecretGoesOutWhileAnyOtherSecretIsRefused() {
        connectWithWebhookSecret();
        var number = cloudNumber("Loja Leste", null);
        var inbox = inboxOf(number);
        var conversation = conversationWith(number, inbox, "+5511977770011");

        var reply = reply(inbox, conversation, 920_001, "Olá, Bia!", "+5511977770011");
        assertThat(deliver(reply, secretOf(inbox)).status()).isEqualTo(200);
        var sent = Eventually.value("the reply reaches Meta", () -> providers.sent(number.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(message ->
                assertThat(message.body().get("text").get("body").asString()).isEqualTo("Olá, Bia!"));
        assertThat(deliver(reply(inbox, conversation, 920_002, "E o pedido?", "+5511977770011"),
                ACCOUNT_WEBHOOK_SECRET).status()).as("the account webhook's own secret still signs").isEqualTo(200);

        var forged = deliver(reply(inbox, conversation, 920_003, "forjada", "+5511977770011"),
                "not-a-secret-of-this-chatwoot");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("detail").asString()).isEqualTo("The webhook signature is wrong.");
        assertThat(deliver(reply(inbox, conversation, 920_004, "sem assinatura", "+5511977770011"), null)
                .status()).isEqualTo(401);
    }

    @Test
    void anotherAccountsInboxSecretDoesNotSignForThisAccount() {
        connectWithWebhookSecret();
        var inbox = inboxOf(cloudNumber("Loja Oeste", null));
        var hostile = fixtures.tenant("Hostile");
        var hostileChatwoot = chatwoot.newAccount();
        var hostileWebhook = Gateway.connectChatwoot(http(), hostile.admin().token(), hostile.id(), hostileChatwoot,
                ACCOUNT_INBOX, "hostile-account-secret");
        var hostileNumber = cloudNumber(hostile, "Loja Hostil", null, null);
        var hostileInbox = Eventually.value("the hostile number has its inbox",
                () -> provider(hostile, hostileNumber.id()), json -> json.hasNonNull("chatwoot_inbox_id"))
                .get("chatwoot_inbox_id").asLong();
        var hostileSecret = chatwoot.inboxes(hostileChatwoot).stream().filter(found -> found.id() == hostileInbox)
                .findFirst().orElseThrow().secret();
        var ownReply = Gateway.JSON.writeValueAsString(Gateway.chatwootReply(hostileChatwoot, hostileInbox, 1,
                930_001, "minha", "+5511977770012"));
        assertThat(Gateway.post(http(), hostileWebhook, ownReply,
                Gateway.chatwootHeaders(hostileSecret, UUID.randomUUID().toString(), ownReply)).status())
                .as("the hostile account's secret is kept and signs for that account").isEqualTo(200);

        var intoThisAccount = deliver(reply(inbox, 1, 930_002, "alheia", "+5511977770012"), hostileSecret);

        assertThat(intoThisAccount.status()).isEqualTo(401);
        assertThat(intoThisAccount.json().get("detail").asString()).isEqualTo("The webhook signature is wrong.");
    }

    @Test
    void aSecretResetInChatwootIsReadAgainAfterTheFirstDeliveryItSigns() {
        connectWithWebhookSecret();
        var number = cloudNumber("Loja Praia", null);
        var inbox = inboxOf(number);
        var before = secretOf(inbox);
        var after = chatwoot.resetInboxSecret(chatwootAccount, inbox);
        var reply = reply(inbox, 1, 940_001, "nova", "+5511977770013");
        assertThat(deliver(reply, after).status()).as("the hub does not know the new secret yet").isEqualTo(401);

        // Chatwoot delivers a refused webhook again; meanwhile the hub has read the inbox's new secret
        Eventually.until("a redelivery signed with the new secret passes", () -> deliver(reply, after).status() == 200);
        assertThat(deliver(reply(inbox, 1, 940_002, "velha", "+5511977770013"), before).status()).isEqualTo(401);
        assertThat(chatwoot.inboxes(chatwootAccount)).as("nothing created in Chatwoot").hasSize(1);
    }

    @Test
    void creatingTheInboxAgainPicksUpItsSecretAtOnce() {
        connectWithWebhookSecret();
        var number = cloudNumber("Loja Ilha", null);
        var inbox = inboxOf(number);
        var after = chatwoot.resetInboxSecret(chatwootAccount, inbox);

        var again = http().bearer(tenant.admin().token()).post(inboxRoute(number.id()), Map.of());

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("chatwoot_inbox_id").asLong()).isEqualTo(inbox);
        assertThat(chatwoot.inboxes(chatwootAccount)).hasSize(1);
        assertThat(deliver(reply(inbox, 1, 945_001, "nova", "+5511977770016"), after).status()).isEqualTo(200);
    }

    @Test
    void anOlderChatwootShowsNoInboxSecretSoNoneIsKeptAndAKeptOneIsForgotten() throws Exception {
        connectWithWebhookSecret();
        var number = cloudNumber("Loja Antiga", null);
        var inbox = inboxOf(number);
        var owner = TestInfrastructure.owner();
        var kept = "select count(*) from chatwoot_inbox_secrets where account_id = " + tenant.id();
        assertThat(owner.value(kept)).isEqualTo("1");

        chatwoot.withoutInboxSecrets(chatwootAccount);
        var again = http().bearer(tenant.admin().token()).post(inboxRoute(number.id()), Map.of());

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(owner.value(kept)).isEqualTo("0");
        var audit = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id()
                + "/audit-logs?action=provider.chatwoot_inbox_adopted").json().get("items");
        assertThat(audit).singleElement().satisfies(entry ->
                assertThat(entry.get("changes").get("signed_deliveries").asBoolean()).isFalse());
        assertThat(deliver(reply(inbox, 1, 955_001, "antiga", "+5511977770017"), secretOf(inbox)).status())
                .as("the old secret no longer signs").isEqualTo(401);
    }

    @Test
    void connectingAnotherChatwootForgetsTheOldInboxesSecrets() throws Exception {
        connectWithWebhookSecret();
        var inbox = inboxOf(cloudNumber("Loja Serra", null));
        var secret = secretOf(inbox);
        assertThat(deliver(reply(inbox, 1, 950_001, "antes", "+5511977770014"), secret).status()).isEqualTo(200);

        var otherChatwoot = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), otherChatwoot, ACCOUNT_INBOX, null);

        assertThat(deliver(reply(inbox, 1, 950_002, "depois", "+5511977770014"), secret).status()).isEqualTo(401);
        assertThat(deliver(reply(inbox, 1, 950_003, "depois", "+5511977770014"), ACCOUNT_WEBHOOK_SECRET).status())
                .isEqualTo(200);
        assertThat(TestInfrastructure.owner().value("select count(*) from chatwoot_inbox_secrets where account_id = "
                + tenant.id())).isEqualTo("0");
    }

    @Test
    void theInboxSecretsAreSealedAndMoveUnderANewKey() throws Exception {
        connectWithWebhookSecret();
        var inbox = inboxOf(cloudNumber("Loja Vale", null));
        var secret = secretOf(inbox);
        var owner = TestInfrastructure.owner();
        var where = " from chatwoot_inbox_secrets where account_id = " + tenant.id() + " and inbox_id = " + inbox;
        assertThat(owner.value("select secret" + where)).doesNotContain(secret);
        var current = Base64.getEncoder().encodeToString(keys.encryptionKey());
        var next = KeyRing.newBase64Key();
        try {
            assertThat(rotation.reencrypt(inboxSecrets, new CredentialCipher(KeyRing.fromKeys(next, current))))
                    .isPositive();
            assertThat(owner.value("select secret" + where)).startsWith("v1:" + KeyRing.fingerprint(next) + ":");
        } finally {
            rotation.reencrypt(inboxSecrets, new CredentialCipher(KeyRing.fromKeys(current, next)));
        }
        assertThat(deliver(reply(inbox, 1, 960_001, "ainda", "+5511977770015"), secret).status()).isEqualTo(200);
    }

    // --- steps

    void connectWithWebhookSecret() {
        Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, ACCOUNT_INBOX,
                ACCOUNT_WEBHOOK_SECRET);
    }

    String secretOf(long inbox) {
        return chatwoot.inboxes(chatwootAccount).stream().filter(found -> found.id() == inbox).findFirst()
                .orElseThrow().secret();
    }

    long conversationWith(Gateway.Provider number, long inbox, String contact) {
        inbound(number, contact, "Bia", "oi");
        return Eventually.value("the contact's conversation is in the number's inbox",
                () -> chatwoot.conversations(chatwootAccount), list -> list.stream()
                        .anyMatch(found -> found.inboxId() == inbox))
                .stream().filter(found -> found.inboxId() == inbox).findFirst().orElseThrow().id();
    }

    String reply(long inbox, long conversation, long messageId, String content, String contact) {
        return Gateway.JSON.writeValueAsString(Gateway.chatwootReply(chatwootAccount, inbox, conversation, messageId,
                content, contact));
    }

    /** Chatwoot's delivery of a reply to this account's webhook URL, signed with {@code secret} (null: unsigned). */
    com.whatpro.hub.TestHttp.Response deliver(String reply, String secret) {
        return Gateway.post(http(), chatwootWebhook, reply,
                Gateway.chatwootHeaders(secret, UUID.randomUUID().toString(), reply));
    }

    Gateway.Provider cloudNumber(String name, String wabaId) {
        return cloudNumber(name, wabaId, null);
    }

    Gateway.Provider cloudNumber(String name, String wabaId, Long inbox) {
        return cloudNumber(tenant, name, wabaId, inbox);
    }

    Gateway.Provider cloudNumber(Fixtures.Tenant owner, String name, String wabaId, Long inbox) {
        var phoneNumberId = Long.toString(200_000_000_000L + Math.abs(UUID.randomUUID().getMostSignificantBits()
                % 100_000_000_000L));
        var credentials = new LinkedHashMap<String, Object>();
        credentials.put("access_token", "EAAG-" + phoneNumberId);
        credentials.put("app_secret", APP_SECRET);
        credentials.put("verify_token", "verify-n");
        credentials.put("phone_number_id", phoneNumberId);
        if (wabaId != null) {
            credentials.put("waba_id", wabaId);
        }
        var request = new LinkedHashMap<String, Object>(Map.of("name", name, "type", "cloud_api", "base_url",
                providers.baseUrl(), "credentials", credentials));
        if (inbox != null) {
            request.put("chatwoot_inbox_id", inbox);
        }
        var response = http().bearer(owner.admin().token()).post("/api/v1/accounts/" + owner.id() + "/providers",
                request);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        var json = response.json();
        return new Gateway.Provider(UUID.fromString(json.get("id").asString()),
                java.net.URI.create(json.get("webhook_url").asString()).getPath(), phoneNumberId, json);
    }

    /** The number's own inbox, which the hub creates in the background after the number is created. */
    long inboxOf(Gateway.Provider number) {
        return Eventually.value("the number has its Chatwoot inbox", () -> provider(number.id()),
                json -> json.hasNonNull("chatwoot_inbox_id")).get("chatwoot_inbox_id").asLong();
    }

    JsonNode provider(UUID id) {
        return provider(tenant, id);
    }

    JsonNode provider(Fixtures.Tenant owner, UUID id) {
        return http().bearer(owner.admin().token()).get("/api/v1/accounts/" + owner.id() + "/providers/" + id)
                .json();
    }

    JsonNode message(String id) {
        return http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/messages/" + id)
                .json();
    }

    String inboxRoute(UUID provider) {
        return "/api/v1/accounts/" + tenant.id() + "/providers/" + provider + "/chatwoot-inbox";
    }

    String templatesRoute(UUID provider) {
        return "/api/v1/accounts/" + tenant.id() + "/providers/" + provider + "/templates";
    }

    com.whatpro.hub.TestHttp.Response send(Gateway.Provider number, Map<String, Object> template) {
        return http().bearer(tenant.admin().token()).post("/api/v1/accounts/" + tenant.id() + "/messages",
                Map.of("provider_id", number.id().toString(), "to", "+5511977770002", "template", template));
    }

    /** Meta's text message example, from this contact, to this number, sent just now. */
    void inbound(Gateway.Provider number, String from, String name, String text) {
        var root = (ObjectNode) Gateway.JSON.readTree(Gateway.cloudExample("inbound.text-message.json"));
        var value = (ObjectNode) root.get("entry").get(0).get("changes").get(0).get("value");
        ((ObjectNode) value.get("metadata")).put("phone_number_id", number.key());
        var contact = (ObjectNode) value.get("contacts").get(0);
        contact.put("wa_id", from.substring(1));
        ((ObjectNode) contact.get("profile")).put("name", name);
        var message = (ObjectNode) value.get("messages").get(0);
        message.put("from", from.substring(1)).put("id", "wamid." + UUID.randomUUID())
                .put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        ((ObjectNode) message.get("text")).put("body", text);
        var body = Gateway.JSON.writeValueAsString(root);
        var response = Gateway.post(http(), number.webhookPath(), body,
                Map.of("X-Hub-Signature-256", Gateway.metaSignature(APP_SECRET, body)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    /** Meta's list: a positional template, a named one and a rejected one (shaped like the spec's example). */
    static ArrayNode templates() {
        return (ArrayNode) Gateway.JSON.readTree("""
                [{"id": "1192339204654487", "name": "order_update", "language": "pt_BR", "status": "APPROVED",
                  "category": "UTILITY", "components": [
                    {"type": "BODY", "text": "Olá {{1}}, seu pedido {{2}} saiu para entrega.",
                     "example": {"body_text": [["Ana", "#123"]]}}]},
                 {"id": "1192339204654488", "name": "welcome_named", "language": "en_US", "status": "APPROVED",
                  "category": "MARKETING", "parameter_format": "NAMED", "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "Welcome"},
                    {"type": "BODY", "text": "Hi {{customer_name}}, thanks for joining!"}]},
                 {"id": "920070352646140", "name": "old_promo", "language": "en_US", "status": "REJECTED",
                  "category": "MARKETING", "components": [
                    {"type": "BODY", "text": "Fall Sale"}]}]
                """);
    }
}
