package com.whatpro.hub.automations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.gateway.ConversationOpened;
import com.whatpro.hub.platform.AccountId;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

import tools.jackson.databind.JsonNode;

/** Rules as an admin keeps them, and what they do when cards move, whoever moves them. */
class AutomationsTests extends IntegrationTest {

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    RunWorker worker;

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    Story story;
    JsonNode board;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Automations " + UUID.randomUUID());
        story = new Story(http(), tenant.admin().token(), tenant.id());
        board = story.defaultBoard();
    }

    @Test
    void aCardEnteringTheStageByTheApiTheWebAndTheGatewayFiresTheRuleOnceEach() {
        var rule = story.rule(Map.of("name", "Tag new", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                Story.stage(board, "New")), "actions", List.of(Map.of("type", "add_label", "label", "fresh"))));
        var byApi = story.card(board, "Waiting", Map.of());
        var byWeb = story.card(board, "Waiting", Map.of());

        assertThat(story.move(byApi, Story.stage(board, "New")).status()).isEqualTo(200);
        var web = new WebVisitor(http());
        web.signIn(tenant.admin().email(), Fixtures.PASSWORD, tenant.id());
        var moved = web.api("POST", story.base + "/cards/" + byWeb + "/move",
                "{\"stage_id\":\"" + Story.stage(board, "New") + "\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        var conversation = 900_000L + (System.nanoTime() % 90_000L);
        events.publishEvent(new ConversationOpened(AccountId.of(tenant.id()), conversation, "Ana Lima",
                "+5511955557777", 4242L, 1L, UUID.randomUUID()));

        Story.until("three runs are done", () -> story.finishedRuns(rule).size() >= 3);
        story.settled();
        var runs = story.runs(rule);
        assertThat(runs).hasSize(3).allSatisfy(run -> {
            assertThat(run.get("status").asString()).isEqualTo("done");
            assertThat(run.get("trigger_event").asString()).isEqualTo("card.entered_stage");
            assertThat(run.get("actions").get(0).get("status").asString()).isEqualTo("done");
        });
        var cards = runs.stream().map(run -> run.get("card_id").asString()).distinct().toList();
        assertThat(cards).hasSize(3).contains(byApi, byWeb);
        for (var card : cards) {
            assertThat(story.cardOf(card).get("labels").valueStream().map(JsonNode::asString)).containsExactly("fresh");
            var history = story.http.get(story.base + "/cards/" + card + "/history").json().get("items");
            assertThat(history.valueStream().filter(entry -> entry.get("action").asString().equals("updated")))
                    .singleElement().satisfies(entry ->
                            assertThat(entry.get("actor").get("type").asString()).isEqualTo("automation"));
        }
        var audit = story.http.get(story.base + "/audit-logs?resource_id=" + byApi + "&action=card.updated").json();
        assertThat(audit.get("items")).singleElement().satisfies(entry -> {
            assertThat(entry.get("actor").get("type").asString()).isEqualTo("automation");
            assertThat(entry.get("actor").get("id").asString()).isEqualTo(rule);
        });
    }

    @Test
    void twoRulesMovingACardBackAndForthStopWithLoopStopped() {
        var progress = Story.stage(board, "In progress");
        var waiting = Story.stage(board, "Waiting");
        var forth = story.rule(Map.of("name", "forth", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "move_card", "stage_id", waiting))));
        var back = story.rule(Map.of("name", "back", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                waiting), "actions", List.of(Map.of("type", "move_card", "stage_id", progress))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);

        Story.until("the chain is stopped", () -> story.runs(forth).stream().anyMatch(Story::loopStopped)
                || story.runs(back).stream().anyMatch(Story::loopStopped));
        story.settled();
        var all = new java.util.ArrayList<JsonNode>(story.runs(forth));
        all.addAll(story.runs(back));
        assertThat(all).filteredOn(Story::loopStopped).singleElement().satisfies(run -> {
            assertThat(run.get("depth").asInt()).isEqualTo(6);
            assertThat(run.get("actions").get(0).get("status").asString()).isEqualTo("not_run");
        });
        assertThat(all).hasSize(7).allSatisfy(run -> assertThat(run.get("card_id").asString()).isEqualTo(card));
        var moves = story.http.get(story.base + "/cards/" + card + "/history").json().get("items").valueStream()
                .filter(entry -> entry.get("action").asString().equals("moved")).toList();
        assertThat(moves).hasSize(7);
        assertThat(moves.subList(1, 7)).allSatisfy(entry ->
                assertThat(entry.get("actor").get("type").asString()).isEqualTo("automation"));
    }

    @Test
    void aRuleWhoseActionsTriggerItSeveralTimesStopsAtTheChainsRunLimit() {
        var progress = Story.stage(board, "In progress");
        var waiting = Story.stage(board, "Waiting");
        var twice = story.rule(Map.of("name", "twice", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "move_card", "stage_id", waiting),
                        Map.of("type", "move_card", "stage_id", progress),
                        Map.of("type", "move_card", "stage_id", waiting),
                        Map.of("type", "move_card", "stage_id", progress))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);

        Story.until("the chain is stopped", () -> story.runs(twice).stream().anyMatch(Story::loopStopped));
        story.settled();
        var runs = story.runs(twice);
        assertThat(runs).as("the first run, the 50 its chain may record and at most one more that found it full; "
                + "not the 126 that two per run would make by the deepest level").hasSizeBetween(51, 52)
                .allSatisfy(run -> assertThat(run.get("card_id").asString()).isEqualTo(card));
        assertThat(runs).filteredOn(Story::loopStopped).allSatisfy(run ->
                assertThat(run.get("actions").valueStream().map(action -> action.get("status").asString()))
                        .containsOnly("not_run"));
    }

    @Test
    void oneAccountsBacklogOfRunsDoesNotHoldUpAnotherAccountsRun() {
        var busyTenant = fixtures.tenant("Busy automations " + UUID.randomUUID());
        var busy = new Story(http(), busyTenant.admin().token(), busyTenant.id());
        var busyRule = busy.rule(Map.of("name", "label", "trigger", Map.of("type", "card.created"), "actions",
                List.of(Map.of("type", "add_label", "label", "seen"))));
        var busyCard = busy.card(busy.defaultBoard(), "New", Map.of());
        Story.until("the busy account's rule ran", () -> !busy.finishedRuns(busyRule).isEmpty());
        var rule = story.rule(Map.of("name", "quick", "trigger", Map.of("type", "card.created"), "actions",
                List.of(Map.of("type", "add_label", "label", "quick"))));
        worker.pause(true);
        try {
            Story.sql("""
                    insert into automation_runs (id, account_id, automation_id, trigger_event, card_id, depth, actions)
                    select gen_random_uuid(), %d, '%s', 'card.created', '%s', 0,
                           '[{"type": "add_label", "status": "pending", "detail": null}]'
                    from generate_series(1, 300)""".formatted(busyTenant.id(), busyRule, busyCard));
            story.card(board, "New", Map.of());
        } finally {
            worker.pause(false);
        }

        Story.until("the other account's run is done", () -> !story.finishedRuns(rule).isEmpty());
        var backlog = Long.parseLong(Story.value("select count(*) from automation_runs where account_id = "
                + busyTenant.id() + " and status = 'pending'"));
        assertThat(backlog).as("the busy account's runs still waiting, all queued before the other's")
                .isGreaterThan(250);
    }

    @Test
    void aRunWaitingOnAnotherAccountsSlowWebhookDoesNotWaitForIt() {
        var receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
        try {
            receiver.stubFor(post(urlEqualTo("/slow")).willReturn(aResponse().withStatus(204).withFixedDelay(6_000)));
            var slowTenant = fixtures.tenant("Slow webhook " + UUID.randomUUID());
            var slow = new Story(http(), slowTenant.admin().token(), slowTenant.id());
            var slowRule = slow.rule(Map.of("name", "tell", "trigger", Map.of("type", "card.created"), "actions",
                    List.of(Map.of("type", "webhook", "url", receiver.baseUrl() + "/slow"))));
            var rule = story.rule(Map.of("name", "quick", "trigger", Map.of("type", "card.created"), "actions",
                    List.of(Map.of("type", "add_label", "label", "quick"))));
            slow.card(slow.defaultBoard(), "New", Map.of());
            Story.until("the slow account's webhook call is out", () -> !receiver.getAllServeEvents().isEmpty());

            story.card(board, "New", Map.of());

            Story.until("the other account's run is done", () -> !story.finishedRuns(rule).isEmpty());
            assertThat(slow.finishedRuns(slowRule)).as("the slow account's run, still waiting for its receiver")
                    .isEmpty();
            Story.until("the slow account's run is done", () -> !slow.finishedRuns(slowRule).isEmpty());
        } finally {
            receiver.stop();
        }
    }

    @Test
    void aRunWhoseRuleCannotBeReadIsTriedAgainLaterAndGivenUpAfterItsAttempts() {
        var rule = story.rule(Map.of("name", "unreadable", "trigger", Map.of("type", "card.created"), "actions",
                List.of(Map.of("type", "add_label", "label", "never"))));
        worker.pause(true);
        try {
            story.card(board, "New", Map.of());
            Story.sql("update automations set rule = jsonb_set(rule, '{trigger}', '5') where id = '" + rule + "'");
        } finally {
            worker.pause(false);
        }
        var run = "(select id from automation_runs where automation_id = '" + rule + "')";

        Story.until("the first attempt is put off", () -> "1 true".equals(Story.value(
                "select attempts || ' ' || (claim_token is null and next_attempt_at > now()) from automation_runs"
                        + " where id = " + run)));
        Story.sql("update automation_runs set attempts = 4, next_attempt_at = now() where id = " + run);

        Story.until("the fifth attempt gives it up", () -> "failed".equals(Story.value(
                "select status from automation_runs where id = " + run)));
        assertThat(Story.value("select actions -> 0 ->> 'status' from automation_runs where id = " + run))
                .as("its action, logged with the run").isEqualTo("failed");
        assertThat(Story.value("select actions -> 0 ->> 'detail' from automation_runs where id = " + run))
                .startsWith("not done: the run could not be worked (").endsWith("gave up after 5 attempts");
    }

    @Test
    void aMoveRefusedByAHardWipLimitIsLoggedNotThrown() {
        worker.stop(); // as Spring pauses a cached test context, or a lifecycle restarts: the node must work again
        worker.start();
        var full = story.http.post(story.base + "/boards/" + board.get("id").asString() + "/stages",
                Map.of("name", "Full", "kind", "open", "wip_limit", 1, "wip_mode", "hard"));
        assertThat(full.status()).as(full.body()).isEqualTo(201);
        var fullStage = full.json().get("id").asString();
        var progress = Story.stage(board, "In progress");
        story.http.post(story.base + "/boards/" + board.get("id").asString() + "/cards",
                Map.of("stage_id", fullStage, "title", "occupant"));
        var rule = story.rule(Map.of("name", "push", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "move_card", "stage_id", fullStage),
                        Map.of("type", "add_label", "label", "tried"))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);

        Story.until("the run is finished", () -> !story.finishedRuns(rule).isEmpty());
        var run = story.runs(rule).getFirst();
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("detail").asString()).startsWith("409");
        assertThat(run.get("actions").get(1).get("status").asString()).isEqualTo("done");
        assertThat(story.cardOf(card).get("stage_id").asString()).isEqualTo(progress);
    }

    /** Found in review: a due date PostgreSQL cannot hold failed the action in the database, and it was retried. */
    @Test
    void aFieldValueTheApiWouldRefuseIsARefusalInTheRunsLog() {
        var rule = story.rule(Map.of("name", "far", "trigger", Map.of("type", "card.created"),
                "actions", List.of(Map.of("type", "set_field", "field", "due_at", "value", "+300000-01-01T00:00:00Z"),
                        Map.of("type", "add_label", "label", "seen"))));

        var card = story.card(board, "New", Map.of());

        Story.until("the run is finished", () -> !story.finishedRuns(rule).isEmpty());
        var run = story.runs(rule).getFirst();
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("detail").asString()).startsWith("422 due_at");
        assertThat(run.get("actions").get(1).get("status").asString()).isEqualTo("done");
        assertThat(story.cardOf(card).get("due_at").isNull()).isTrue();
    }

    /** Found in review: a rule could set any long (or a number wrapped to one), past the API's cap. */
    @Test
    void anAmountAboveTheCapIsARefusalInTheRunsLog() {
        var rule = story.rule(Map.of("name", "huge", "trigger", Map.of("type", "card.created"),
                "actions", List.of(Map.of("type", "set_field", "field", "amount_minor", "value", Long.MAX_VALUE),
                        Map.of("type", "set_field", "field", "amount_minor", "value",
                                new java.math.BigInteger("18446744073709551621")),
                        Map.of("type", "set_field", "field", "amount_minor", "value", 1_000_000_000_000_000L))));

        var card = story.card(board, "New", Map.of("amount_minor", 100, "currency", "BRL"));

        Story.until("the run is finished", () -> !story.finishedRuns(rule).isEmpty());
        var run = story.runs(rule).getFirst();
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(0).get("detail").asString()).startsWith("422 amount_minor must be at most");
        assertThat(run.get("actions").get(1).get("status").asString()).isEqualTo("failed");
        assertThat(run.get("actions").get(1).get("detail").asString()).startsWith("422 amount_minor must be at most");
        assertThat(run.get("actions").get(2).get("status").asString()).isEqualTo("done");
        assertThat(story.cardOf(card).get("amount_minor").asLong()).isEqualTo(1_000_000_000_000_000L);
    }

    @Test
    void conditionsDecideWhetherTheRuleActs() {
        var rule = story.rule(Map.of("name", "big deals", "trigger", Map.of("type", "card.created"),
                "conditions", List.of(Map.of("field", "amount_minor", "op", "gt", "value", 100_000),
                        Map.of("field", "labels", "op", "contains", "value", "vip")),
                "actions", List.of(Map.of("type", "set_field", "field", "priority", "value", "urgent"),
                        Map.of("type", "add_checklist", "items", List.of("Call within 1h", "Send proposal")))));

        var big = story.card(board, "New", Map.of("amount_minor", 250_000, "currency", "BRL", "labels", List.of("vip")));
        var small = story.card(board, "New", Map.of("amount_minor", 5_000, "currency", "BRL", "labels",
                List.of("vip")));

        Story.until("both runs are finished", () -> story.finishedRuns(rule).size() == 2);
        var statuses = story.runs(rule).stream().collect(java.util.stream.Collectors.toMap(
                run -> run.get("card_id").asString(), run -> run.get("status").asString()));
        assertThat(statuses).containsEntry(big, "done").containsEntry(small, "skipped");
        assertThat(story.cardOf(big).get("priority").asString()).isEqualTo("urgent");
        assertThat(story.cardOf(big).get("checklist").get("total").asInt()).isEqualTo(2);
        assertThat(story.cardOf(small).get("priority").asString()).isEqualTo("normal");
    }

    @Test
    void assigningToATeamPicksTheMemberWithFewestOpenCards() {
        var busy = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var free = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var team = story.http.post(story.base + "/teams", Map.of("name", "Sales")).json().get("id").asString();
        story.http.post(story.base + "/teams/" + team + "/members", Map.of("user_id", busy.id()));
        story.http.post(story.base + "/teams/" + team + "/members", Map.of("user_id", free.id()));
        story.card(board, "New", Map.of("assignee_id", busy.id()));
        var progress = Story.stage(board, "In progress");
        var rule = story.rule(Map.of("name", "assign", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "assign", "team_id", team))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);

        Story.until("the run is done", () -> !story.finishedRuns(rule).isEmpty());
        assertThat(story.cardOf(card).get("assignee_id").asString()).isEqualTo(free.id().toString());
    }

    /** Found in review: a user removed from the account stayed in its teams, and round robin picked them. */
    @Test
    void assigningToATeamNeverPicksAUserWhoLeftTheAccount() {
        var gone = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var busy = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var team = story.http.post(story.base + "/teams", Map.of("name", "Sales")).json().get("id").asString();
        story.http.post(story.base + "/teams/" + team + "/members", Map.of("user_id", gone.id()));
        story.http.post(story.base + "/teams/" + team + "/members", Map.of("user_id", busy.id()));
        story.card(board, "New", Map.of("assignee_id", busy.id()));
        assertThat(story.http.delete(story.base + "/users/" + gone.id()).status()).isEqualTo(204);
        var progress = Story.stage(board, "In progress");
        var rule = story.rule(Map.of("name", "assign", "trigger", Map.of("type", "card.entered_stage", "stage_id",
                progress), "actions", List.of(Map.of("type", "assign", "team_id", team))));
        var card = story.card(board, "New", Map.of());

        story.move(card, progress);

        Story.until("the run is finished", () -> !story.finishedRuns(rule).isEmpty());
        assertThat(story.runs(rule).getFirst().get("status").asString()).isEqualTo("done");
        assertThat(story.cardOf(card).get("assignee_id").asString()).isEqualTo(busy.id().toString());
    }

    @Test
    void savingARuleNamesWhatItRefersToThatDoesNotExist() {
        var other = fixtures.tenant("Other " + UUID.randomUUID());
        var otherBoard = new Story(http(), other.admin().token(), other.id()).defaultBoard();
        var foreignStage = Story.stage(otherBoard, "New");
        var stranger = UUID.randomUUID();

        assertRefused(Map.of("type", "move_card", "stage_id", foreignStage), "actions[0].stage_id", foreignStage);
        assertRefused(Map.of("type", "assign", "user_id", other.admin().id().toString()), "actions[0].user_id",
                other.admin().id().toString());
        assertRefused(Map.of("type", "assign", "team_id", stranger.toString()), "actions[0].team_id",
                stranger.toString());
        assertRefused(Map.of("type", "set_field", "field", "colour", "value", "red"), "actions[0].field", "colour");
        assertRefused(Map.of("type", "send_whatsapp", "template", Map.of("name", "welcome_v2", "language", "pt_BR")),
                "actions[0].template", "Cloud API");
        assertRefused(Map.of("type", "send_whatsapp", "text", "Oi", "template", Map.of("name", "welcome_v2",
                "language", "pt_BR")), "actions[0]", "either text or template");
        assertRefused(Map.of("type", "webhook", "url", "http://169.254.169.254/latest/meta-data"),
                "actions[0].url", "outbound policy");
        var badTrigger = story.http.post(story.base + "/automations", Map.of("name", "x", "trigger",
                Map.of("type", "card.entered_stage", "stage_id", foreignStage),
                "actions", List.of(Map.of("type", "add_label", "label", "x"))));
        assertThat(badTrigger.status()).isEqualTo(422);
        assertThat(badTrigger.json().get("errors").get(0).get("field").asString()).isEqualTo("trigger.stage_id");
        var unknownType = story.http.post(story.base + "/automations", Map.of("name", "x", "trigger",
                Map.of("type", "card.exploded"), "actions", List.of(Map.of("type", "add_label", "label", "x"))));
        assertThat(unknownType.status()).isEqualTo(422);
        assertThat(unknownType.contentType()).startsWith("application/problem+json");
        assertThat(story.http.get(story.base + "/automations").json().get("items")).isEmpty();
    }

    @Test
    void onlyAdminsKeepRulesAndOnlyTheirOwnAccounts() {
        var rule = story.rule(Map.of("name", "mine", "trigger", Map.of("type", "card.created"),
                "actions", List.of(Map.of("type", "add_label", "label", "x"))));
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var asAgent = http().bearer(agent.token());
        assertThat(asAgent.get(story.base + "/automations").status()).isEqualTo(403);
        assertThat(asAgent.post(story.base + "/automations", Map.of("name", "sneaky", "trigger",
                Map.of("type", "card.created"), "actions", List.of(Map.of("type", "add_label", "label", "x"))))
                .status()).isEqualTo(403);
        assertThat(asAgent.get(story.base + "/automations/" + rule + "/runs").status()).isEqualTo(403);

        var other = fixtures.tenant("Intruder " + UUID.randomUUID());
        var intruder = http().bearer(other.admin().token());
        var theirs = "/api/v1/accounts/" + other.id() + "/automations/" + rule;
        assertThat(intruder.get(theirs).status()).isEqualTo(404);
        assertThat(intruder.patch(theirs, Map.of("enabled", false)).status()).isEqualTo(404);
        assertThat(intruder.delete(theirs).status()).isEqualTo(404);
        assertThat(intruder.get(theirs + "/runs").status()).isEqualTo(404);
        assertThat(intruder.get(story.base + "/automations/" + rule).status()).isEqualTo(404);
        assertThat(story.http.get(story.base + "/automations/" + rule).json().get("enabled").asBoolean()).isTrue();

        var patched = story.http.patch(story.base + "/automations/" + rule, Map.of("enabled", false, "name", "off"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("enabled").asBoolean()).isFalse();
        assertThat(patched.json().get("actions").get(0).get("label").asString()).isEqualTo("x");
        assertThat(story.http.delete(story.base + "/automations/" + rule).status()).isEqualTo(204);
        assertThat(story.http.get(story.base + "/automations/" + rule).status()).isEqualTo(404);
    }

    @Test
    void theFreePlanHoldsThreeRules() {
        var entitlements = http().bearer(fixtures.superAdmin()).put(story.base + "/entitlements",
                Map.of("plan", "free"));
        assertThat(entitlements.status()).as(entitlements.body()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            story.rule(Map.of("name", "rule " + i, "trigger", Map.of("type", "card.created"),
                    "actions", List.of(Map.of("type", "add_label", "label", "x"))));
        }

        var fourth = story.http.post(story.base + "/automations", Map.of("name", "one too many", "trigger",
                Map.of("type", "card.created"), "actions", List.of(Map.of("type", "add_label", "label", "x"))));

        assertThat(fourth.status()).isEqualTo(403);
        assertThat(fourth.json().get("limit").asString()).isEqualTo("max_automations");
        var usage = story.http.get(story.base + "/entitlements").json();
        assertThat(usage.get("limits").get("max_automations").asLong()).isEqualTo(3);
        assertThat(usage.get("usage").get("automations").asLong()).isEqualTo(3);
    }

    private void assertRefused(Map<String, ?> action, String field, String named) {
        var response = story.http.post(story.base + "/automations", Map.of("name", "bad", "trigger",
                Map.of("type", "card.created"), "actions", List.of(action)));
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        var error = response.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo(field);
        assertThat(error.get("message").asString()).contains(named);
    }

    /** A browser signed in to the web app: its cookies and its page's CSRF token. */
    static final class WebVisitor {
        private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");
        private final TestHttp http;
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private String csrf;

        WebVisitor(TestHttp http) {
            this.http = http;
        }

        void signIn(String email, String password, long account) {
            get("/app/login");
            var body = "email=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
            var response = keep(http.send(withCookies(http.request("/app/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body))));
            assertThat(response.status()).as(response.body()).isEqualTo(302);
            get("/app/a/" + account + "/board");
        }

        TestHttp.Response api(String method, String path, String json) {
            return keep(http.send(withCookies(http.request(path)).header("Content-Type", "application/json")
                    .header("X-XSRF-TOKEN", csrf).method(method, HttpRequest.BodyPublishers.ofString(json))));
        }

        private void get(String path) {
            keep(http.send(withCookies(http.request(path)).GET()));
        }

        private HttpRequest.Builder withCookies(HttpRequest.Builder request) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ",
                        cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            return request;
        }

        private TestHttp.Response keep(TestHttp.Response response) {
            for (var header : response.headers().getOrDefault("set-cookie", List.of())) {
                var pair = header.split(";", 2)[0];
                var name = pair.substring(0, pair.indexOf('='));
                var value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            var match = CSRF_META.matcher(response.body());
            if (match.find()) {
                csrf = match.group(1);
            }
            return response;
        }

        private static String enc(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
