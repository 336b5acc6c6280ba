package com.whatpro.hub.automations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/** Rules on a cluster: time-based triggers fire once however many nodes scan, and a dying node loses no action. */
@TestPropertySource(properties = {"whatpro.automations.scan-interval=300ms", "whatpro.automations.poll-interval=200ms",
        "whatpro.automations.lease=2s"})
class AutomationNodesTests extends IntegrationTest {

    @Autowired
    RunWorker worker;

    Story story;
    JsonNode board;
    WireMockServer receiver;

    @BeforeEach
    void setUp() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Cluster " + UUID.randomUUID());
        story = new Story(http(), tenant.admin().token(), tenant.id());
        board = story.defaultBoard();
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterEach
    void tearDown() {
        worker.pause(false);
        receiver.stop();
    }

    @Test
    void slaAndIdleTriggersFireOnceWithTwoNodesScanning() {
        try (var second = SecondNode.start("--whatpro.automations.scan-interval=300ms",
                "--whatpro.automations.poll-interval=200ms")) {
            var triage = story.http.post(story.base + "/boards/" + board.get("id").asString() + "/stages",
                    Map.of("name", "Triage", "kind", "open", "sla_hours", 1)).json().get("id").asString();
            var marked = story.http.post(story.base + "/boards/" + board.get("id").asString() + "/stages",
                    Map.of("name", "Marked", "kind", "open", "sla_hours", 1)).json().get("id").asString();
            var late = story.rule(Map.of("name", "late", "trigger", Map.of("type", "card.sla_breached", "stage_id",
                    triage), "actions", List.of(Map.of("type", "add_label", "label", "late"))));
            var stale = story.rule(Map.of("name", "stale", "trigger", Map.of("type", "card.idle", "hours", 2),
                    "conditions", List.of(Map.of("field", "stage_id", "op", "eq", "value", Story.stage(board, "New"))),
                    "actions", List.of(Map.of("type", "add_label", "label", "stale"))));
            var mark = story.rule(Map.of("name", "mark", "trigger", Map.of("type", "card.sla_breached", "stage_id",
                    marked), "actions", List.of(Map.of("type", "add_label", "label", "marked"))));
            var overdue = story.http.post(story.base + "/boards/" + board.get("id").asString() + "/cards",
                    Map.of("stage_id", triage, "title", "waiting too long")).json().get("id").asString();
            var marker = story.http.post(story.base + "/boards/" + board.get("id").asString() + "/cards",
                    Map.of("stage_id", marked, "title", "due once the rules ran")).json().get("id").asString();
            var idle = story.card(board, "New", Map.of());
            var fresh = story.card(board, "New", Map.of());

            Story.sql("update cards set entered_stage_at = now() - interval '90 minutes' where id = '" + overdue + "'");
            Story.sql("update cards set updated_at = now() - interval '3 hours' where id = '" + idle + "'");

            Story.until("both rules ran", () -> story.finishedRuns(late).size() == 1
                    && story.finishedRuns(stale).size() == 1);
            Story.sql("update cards set entered_stage_at = now() - interval '90 minutes' where id = '" + marker + "'");
            Story.until("a later scan fired the marker's rule", () -> !story.finishedRuns(mark).isEmpty());
            story.settled();
            assertThat(story.runs(late)).singleElement().satisfies(run -> {
                assertThat(run.get("card_id").asString()).isEqualTo(overdue);
                assertThat(run.get("trigger_event").asString()).isEqualTo("card.sla_breached");
                assertThat(run.get("status").asString()).isEqualTo("done");
            });
            assertThat(story.runs(stale)).singleElement()
                    .satisfies(run -> assertThat(run.get("card_id").asString()).isEqualTo(idle));
            assertThat(story.cardOf(overdue).get("labels").get(0).asString()).isEqualTo("late");
            assertThat(story.cardOf(idle).get("labels").get(0).asString()).isEqualTo("stale");
            assertThat(story.cardOf(fresh).get("labels")).isEmpty();
            assertThat(second.http().get("/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void aNodeDyingDuringAWebhookCallLosesNoActionAndRepeatsNoneThatReachedTheReceiver() {
        receiver.stubFor(post(urlEqualTo("/hooks/won")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(15_000)));
        worker.pause(true);
        var second = SecondNode.start("--whatpro.automations.poll-interval=200ms", "--whatpro.automations.lease=2s");
        var progress = Story.stage(board, "In progress");
        var rule = story.rule(Map.of("name", "notify", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "add_label", "label", "before"),
                        Map.of("type", "webhook", "url", receiver.baseUrl() + "/hooks/won"),
                        Map.of("type", "add_label", "label", "after"))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);
        Story.until("the receiver has the call", () -> !receiver.findAll(postRequestedFor(urlEqualTo("/hooks/won")))
                .isEmpty());
        second.close();
        worker.pause(false);

        Story.until("the run is finished", () -> !story.finishedRuns(rule).isEmpty());
        story.settled();
        var run = story.runs(rule).getFirst();
        var actions = run.get("actions");
        assertThat(actions.get(0).get("status").asString()).isEqualTo("done");
        assertThat(actions.get(1).get("status").asString()).isEqualTo("failed");
        assertThat(actions.get(1).get("detail").asString()).contains("not repeated");
        assertThat(actions.get(2).get("status").asString()).isEqualTo("done");
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/hooks/won")))).hasSize(1);
        assertThat(story.cardOf(card).get("labels").valueStream().map(JsonNode::asString))
                .containsExactly("before", "after");
        var history = story.http.get(story.base + "/cards/" + card + "/history").json().get("items").valueStream()
                .filter(entry -> entry.get("action").asString().equals("updated")).toList();
        assertThat(history).as("each label was added once").hasSize(2);
    }

    @Test
    void aWebhookActionPostsTheCardAndRetriesWhenTheReceiverRefuses() {
        receiver.stubFor(post(urlEqualTo("/hooks/retry")).inScenario("flaky")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        receiver.stubFor(post(urlEqualTo("/hooks/retry")).inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(204)));
        var won = Story.stage(board, "Won");
        var rule = story.rule(Map.of("name", "won", "trigger", Map.of("type", "card.entered_stage", "stage_id", won),
                "actions", List.of(Map.of("type", "webhook", "url", receiver.baseUrl() + "/hooks/retry"))));
        var card = story.card(board, "New", Map.of("amount_minor", 990_00, "currency", "BRL"));

        story.move(card, won);

        Story.until("the run is done", () -> story.finishedRuns(rule).stream()
                .anyMatch(run -> run.get("status").asString().equals("done")));
        var calls = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/retry")));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).getHeader("webhook-id")).isEqualTo(calls.get(1).getHeader("webhook-id"));
        var body = calls.get(1).getBodyAsString();
        assertThat(body).contains("\"type\":\"automation.card.entered_stage\"").contains(card)
                .contains("\"amount_minor\":99000");
    }
}
