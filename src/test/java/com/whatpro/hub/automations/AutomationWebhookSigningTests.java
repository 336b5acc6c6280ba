package com.whatpro.hub.automations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.StandardWebhooksVerifier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** A rule's webhook calls are signed (Standard Webhooks) with the rule's own secret, shown once and rotatable. */
class AutomationWebhookSigningTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    Story story;
    JsonNode board;
    WireMockServer receiver;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Signing " + UUID.randomUUID());
        story = new Story(http(), tenant.admin().token(), tenant.id());
        board = story.defaultBoard();
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
        receiver.stubFor(post(urlEqualTo("/hooks/won")).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void tearDown() {
        receiver.stop();
    }

    Map<String, Object> wonRule(String name) {
        return Map.of("name", name, "trigger", Map.of("type", "card.entered_stage", "stage_id",
                Story.stage(board, "Won")), "actions", List.of(Map.of("type", "webhook", "url",
                        receiver.baseUrl() + "/hooks/won")));
    }

    LoggedRequest nthCall(int n) {
        Story.until("the receiver has call " + n,
                () -> receiver.findAll(postRequestedFor(urlEqualTo("/hooks/won"))).size() >= n);
        return receiver.findAll(postRequestedFor(urlEqualTo("/hooks/won"))).get(n - 1);
    }

    static void verify(String secret, LoggedRequest call) {
        new StandardWebhooksVerifier(secret).verify(call.getHeader("webhook-id"), call.getHeader("webhook-timestamp"),
                call.getHeader("webhook-signature"), call.getBodyAsString());
    }

    @Test
    void everyCallIsSignedWithTheRulesOwnSecretWhichIsShownOnlyOnce() {
        var created = story.http.post(story.base + "/automations", wonRule("Won deals"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        var secret = created.json().get("webhook_secret").asString();
        assertThat(secret).startsWith("whsec_");
        var rule = created.json().get("id").asString();
        assertThat(story.http.get(story.base + "/automations/" + rule).json().has("webhook_secret")).isFalse();
        assertThat(story.http.get(story.base + "/automations").json().get("items").get(0).has("webhook_secret"))
                .isFalse();
        var other = story.http.post(story.base + "/automations", wonRule("Another")).json();

        story.move(story.card(board, "New", Map.of()), Story.stage(board, "Won"));

        var calls = List.of(nthCall(1), nthCall(2));
        var ours = calls.stream().filter(call -> call.getBodyAsString().contains(rule)).findFirst().orElseThrow();
        verify(secret, ours);
        assertThatThrownBy(() -> verify(other.get("webhook_secret").asString(), ours))
                .as("another rule's secret does not verify this rule's call").isInstanceOf(AssertionError.class);
    }

    @Test
    void rotatingTheSecretSignsTheNextCallWithTheNewOneOnly() {
        var created = story.http.post(story.base + "/automations", wonRule("Won deals")).json();
        var old = created.get("webhook_secret").asString();
        var rule = story.base + "/automations/" + created.get("id").asString();
        var card = story.card(board, "New", Map.of());
        story.move(card, Story.stage(board, "Won"));
        verify(old, nthCall(1));

        var rotated = story.http.patch(rule, Map.of("rotate_webhook_secret", true));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
        var fresh = rotated.json().get("webhook_secret").asString();
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
        assertThat(story.http.patch(rule, Map.of("name", "Renamed")).json().has("webhook_secret"))
                .as("a change that does not rotate shows no secret").isFalse();

        story.move(card, Story.stage(board, "New"));
        story.move(card, Story.stage(board, "Won"));
        var second = nthCall(2);
        verify(fresh, second);
        assertThatThrownBy(() -> verify(old, second)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aRuleGetsASecretWhenItFirstCallsAWebhookAndOnlyThenCanRotateIt() {
        var created = story.http.post(story.base + "/automations", Map.of("name", "label only", "trigger",
                Map.of("type", "card.created"), "actions", List.of(Map.of("type", "add_label", "label", "x"))));
        assertThat(created.json().has("webhook_secret")).isFalse();
        var rule = story.base + "/automations/" + created.json().get("id").asString();

        var refused = story.http.patch(rule, Map.of("rotate_webhook_secret", true));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body()).contains("rotate_webhook_secret");

        var withWebhook = story.http.patch(rule, Map.of("actions", List.of(Map.of("type", "webhook", "url",
                receiver.baseUrl() + "/hooks/won"))));
        assertThat(withWebhook.status()).as(withWebhook.body()).isEqualTo(200);
        assertThat(withWebhook.json().get("webhook_secret").asString()).startsWith("whsec_");
    }

    @Test
    void anotherAccountsAdminCannotRotateTheSecret() {
        var created = story.http.post(story.base + "/automations", wonRule("Won deals")).json();
        var intruder = fixtures.tenant("Intruder " + UUID.randomUUID());
        var theirs = "/api/v1/accounts/" + intruder.id() + "/automations/" + created.get("id").asString();
        var ours = story.base + "/automations/" + created.get("id").asString();

        assertThat(http().bearer(intruder.admin().token()).patch(theirs, Map.of("rotate_webhook_secret", true))
                .status()).isEqualTo(404);
        assertThat(http().bearer(intruder.admin().token()).patch(ours, Map.of("rotate_webhook_secret", true))
                .status()).isEqualTo(404);

        story.move(story.card(board, "New", Map.of()), Story.stage(board, "Won"));
        verify(created.get("webhook_secret").asString(), nthCall(1));
    }
}
