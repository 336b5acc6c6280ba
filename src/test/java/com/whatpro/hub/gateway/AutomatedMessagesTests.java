package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An automation rule writes to a contact on WhatsApp through the gateway's outbox: the message goes out through
 * the number the contact wrote to, with the contact's name filled in, and appears in their Chatwoot conversation,
 * next to the rule's private note.
 */
class AutomatedMessagesTests extends GatewayTest {

    static final long INBOX = 71;

    Gateway.Provider provider;

    AutomatedMessagesTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
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
        runsAndJobsFinished();
        assertThat(providers.sent(provider.key())).hasSize(1);
    }

    @Test
    void aRuleOnMessagesContainingAWordNotesOnlyThoseInChatwoot() {
        var admin = http().bearer(tenant.admin().token());
        var base = "/api/v1/accounts/" + tenant.id();
        var created = admin.post(base + "/automations", Map.of("name", "Price questions", "trigger",
                Map.of("type", "message.received", "contains", "PREÇO"), "actions", List.of(
                        Map.of("type", "chatwoot_note", "text", "Price question: send the table"),
                        Map.of("type", "add_label", "label", "pricing"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var rule = created.json().get("id").asString();
        var from = "5511966660002@s.whatsapp.net";

        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0B1" + System.nanoTime(),
                from, "João", "Bom dia", false), Map.of());
        Eventually.until("the first message is in Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);
        var board = admin.get(base + "/boards").json().get("items").get(0).get("id").asString();
        Eventually.until("the conversation's card is on the board", () -> admin.get(base + "/boards/" + board
                + "/cards").json().get("items").size() == 1);
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), "3EB0B2" + System.nanoTime(),
                from, "João", "Qual o preço do plano anual?", false), Map.of());

        var note = Eventually.value("the note is in Chatwoot", () -> chatwoot.messages(chatwootAccount).stream()
                .filter(FakeChatwoot.Message::privateNote).toList(), list -> !list.isEmpty());
        assertThat(note).singleElement().satisfies(message ->
                assertThat(message.content()).isEqualTo("Price question: send the table"));
        var runs = Eventually.value("the run is logged", () -> admin.get(base + "/automations/" + rule + "/runs")
                .json().get("items"), items -> !items.isEmpty() && !items.get(0).get("status").asString().equals("pending"));
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("status").asString()).isEqualTo("done");
        var card = admin.get(base + "/cards/" + runs.get(0).get("card_id").asString()).json();
        assertThat(card.get("labels").get(0).asString()).isEqualTo("pricing");
        runsAndJobsFinished();
        assertThat(chatwoot.messages(chatwootAccount).stream().filter(FakeChatwoot.Message::privateNote)).hasSize(1);
    }

    /**
     * Waits until the account's rules have no event or run left to work and its gateway jobs are finished, retries
     * included. One statement, so work handed on (a job's event, a run's job) is never between the counts.
     */
    private void runsAndJobsFinished() {
        Eventually.until("the account's runs and gateway jobs are finished", () -> Gateway.query("""
                select (select count(*) from automation_events where account_id = %1$d)
                     + (select count(*) from automation_runs where account_id = %1$d and status = 'pending')
                     + (select count(*) from gateway_jobs where account_id = %1$d and status = 'pending')
                """.formatted(tenant.id())).equals("0"));
    }
}
