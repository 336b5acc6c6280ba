package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An automation rule writes to a contact on WhatsApp through the gateway's outbox: the message goes out through
 * the number the contact wrote to, with the contact's name filled in, and appears in their Chatwoot conversation,
 * next to the rule's private note.
 */
class AutomatedMessagesTests extends IntegrationTest {

    static final long INBOX = 71;

    FakeChatwoot chatwoot = FakeChatwoot.get();
    FakeProviders providers = FakeProviders.get();
    Fixtures.Tenant tenant;
    long chatwootAccount;
    Gateway.Provider provider;

    @BeforeEach
    void setUp() {
        tenant = new Fixtures(http()).tenant("Automated messages");
        chatwootAccount = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, INBOX, null);
        provider = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
    }

    @AfterEach
    void everyRequestConformsToTheVendorsSpecs() {
        providers.assertEveryRequestConforms();
        chatwoot.assertEveryRequestConforms(chatwootAccount);
    }

    @Test
    void aWelcomeRuleGreetsANewContactByNameOnWhatsAppAndInChatwoot() {
        var admin = http().bearer(tenant.admin().token());
        var base = "/api/v1/accounts/" + tenant.id();
        var created = admin.post(base + "/automations", Map.of("name", "Welcome", "trigger",
                Map.of("type", "conversation.opened"), "actions", List.of(
                        Map.of("type", "send_whatsapp", "text",
                                "Olá {{contact.name}}! Recebemos sua mensagem. {{card.amount}}"),
                        Map.of("type", "chatwoot_note", "text", "Welcomed automatically (card {{card.title}})"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var rule = created.json().get("id").asString();

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0A1" + System.nanoTime(),
                "5511966660001@s.whatsapp.net", "Maria Souza", "Oi, quero um orçamento", false), Map.of());

        var sent = Eventually.value("the welcome is sent on WhatsApp", () -> providers.sent(provider.key()),
                list -> !list.isEmpty());
        assertThat(sent).singleElement().satisfies(send -> {
            assertThat(send.body().get("number").asString()).isEqualTo("5511966660001");
            assertThat(send.body().get("text").asString()).isEqualTo("Olá Maria Souza! Recebemos sua mensagem. ");
        });
        var conversation = chatwoot.conversations(chatwootAccount).getFirst().id();
        var inChatwoot = Eventually.value("the welcome and the note are in Chatwoot",
                () -> chatwoot.messages(chatwootAccount), list -> list.size() >= 3);
        assertThat(inChatwoot).allSatisfy(message -> assertThat(message.conversationId()).isEqualTo(conversation));
        assertThat(inChatwoot).filteredOn(message -> message.type().equals("outgoing") && !message.privateNote())
                .singleElement().satisfies(message -> {
                    assertThat(message.content()).isEqualTo("Olá Maria Souza! Recebemos sua mensagem. ");
                    assertThat(message.sourceId()).startsWith("whatpro:api:");
                });
        assertThat(inChatwoot).filteredOn(FakeChatwoot.Message::privateNote).singleElement()
                .satisfies(note -> assertThat(note.content()).isEqualTo("Welcomed automatically (card Maria Souza)"));
        JsonNode run = Eventually.value("the run is logged", () -> admin.get(base + "/automations/" + rule + "/runs")
                .json().get("items"), items -> !items.isEmpty() && items.get(0).get("status").asString().equals("done"))
                .get(0);
        assertThat(run.get("trigger_event").asString()).isEqualTo("conversation.opened");
        assertThat(run.get("card_id").isNull()).isFalse();
        assertThat(run.get("actions").valueStream().map(action -> action.get("status").asString()))
                .containsExactly("done", "done");
        Eventually.quietFor(Duration.ofMillis(800));
        assertThat(providers.sent(provider.key())).hasSize(1);
    }
}
