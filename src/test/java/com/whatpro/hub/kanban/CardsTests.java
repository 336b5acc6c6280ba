package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.Test;

/** Cards: fields, versions, filters, WIP limits, checklists, SLA, history and what agents may do. */
class CardsTests extends KanbanTest {

    @Test
    void aCardKeepsEverythingItWasGivenAndAnswersWithItsVersionAsETag() {
        var created = admin.postCard(boardId, Map.ofEntries(
                Map.entry("stage_id", stage("A")), Map.entry("title", "Big deal"),
                Map.entry("contact", Map.of("name", "Alice Doe", "phone", "+55 11 98888-7777", "chatwoot_contact_id", 42)),
                Map.entry("conversation_ids", List.of(501, 502)), Map.entry("amount_minor", 1_500_00),
                Map.entry("currency", "BRL"), Map.entry("priority", "high"), Map.entry("due_at", "2026-12-01T12:00:00Z"),
                Map.entry("assignee_id", tenant.admin().id().toString()),
                Map.entry("labels", List.of("vip", "inbound")),
                Map.entry("custom_fields", Map.of("source", "ads", "score", 7))));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var card = created.json();
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(card.get("version").asLong()).isEqualTo(1);
        assertThat(card.get("title").asString()).isEqualTo("Big deal");
        assertThat(card.get("contact").get("name").asString()).isEqualTo("Alice Doe");
        assertThat(card.get("contact").get("chatwoot_contact_id").asLong()).isEqualTo(42);
        assertThat(card.get("conversation_ids").findValuesAsString("x")).isEmpty();
        assertThat(card.get("conversation_ids").get(0).asLong()).isEqualTo(501);
        assertThat(card.get("conversation_ids")).hasSize(2);
        assertThat(card.get("amount_minor").asLong()).isEqualTo(150000);
        assertThat(card.get("currency").asString()).isEqualTo("BRL");
        assertThat(card.get("priority").asString()).isEqualTo("high");
        assertThat(card.get("due_at").asString()).isEqualTo("2026-12-01T12:00:00Z");
        assertThat(card.get("assignee_id").asString()).isEqualTo(tenant.admin().id().toString());
        assertThat(card.get("labels").get(0).asString()).isEqualTo("vip");
        assertThat(card.get("custom_fields").get("score").asInt()).isEqualTo(7);
        assertThat(card.get("entered_stage_at").asString()).isNotBlank();
        assertThat(card.get("stage_id").asString()).isEqualTo(stage("A"));

        var read = admin.http.get(admin.base + "/cards/" + card.get("id").asString());
        assertThat(read.header("ETag")).isEqualTo("\"1\"");
        assertThat(read.json().get("title").asString()).isEqualTo("Big deal");
    }

    @Test
    void aStaleIfMatchIsRefusedWith412AndAFreshOneApplies() {
        var card = admin.card(boardId, stage("A"), "Versioned").get("id").asString();
        var path = admin.base + "/cards/" + card;

        var first = admin.http.with("If-Match", "\"1\"").patch(path, Map.of("title", "Renamed"));
        var stale = admin.http.with("If-Match", "\"1\"").patch(path, Map.of("title", "Lost update"));
        var staleMove = admin.http.with("If-Match", "\"1\"").post(path + "/move", Map.of("stage_id", stage("B")));
        var weak = admin.http.with("If-Match", "W/\"2\"").post(path + "/move", Map.of("stage_id", stage("B")));
        var garbage = admin.http.with("If-Match", "\"abc\"").patch(path, Map.of("title", "Nope"));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("ETag")).isEqualTo("\"2\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.contentType()).startsWith("application/problem+json");
        assertThat(stale.json().get("current_version").asLong()).isEqualTo(2);
        assertThat(staleMove.status()).isEqualTo(412);
        assertThat(weak.status()).as(weak.body()).isEqualTo(200);
        assertThat(weak.header("ETag")).isEqualTo("\"3\"");
        assertThat(garbage.status()).isEqualTo(412);
        var now = admin.getCard(card);
        assertThat(now.get("title").asString()).isEqualTo("Renamed");
        assertThat(now.get("stage_id").asString()).isEqualTo(stage("B"));
    }

    @Test
    void patchChangesOnlyTheNamedFieldsAndNullClears() {
        var card = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Patch", "due_at", "2026-12-01T00:00:00Z",
                "assignee_id", tenant.admin().id().toString(), "labels", List.of("a"))).get("id").asString();

        var cleared = admin.patch(card, Collections.singletonMap("due_at", null));
        var unassigned = admin.patch(card, Collections.singletonMap("assignee_id", null));
        var unchanged = admin.patch(card, Map.of("labels", List.of("a")));
        var nullTitle = admin.patch(card, Collections.singletonMap("title", null));

        assertThat(cleared.json().get("due_at").isNull()).isTrue();
        assertThat(cleared.json().get("assignee_id").asString()).isEqualTo(tenant.admin().id().toString());
        assertThat(unassigned.json().get("assignee_id").isNull()).isTrue();
        assertThat(unassigned.json().get("title").asString()).isEqualTo("Patch");
        assertThat(unchanged.json().get("version").asLong()).isEqualTo(unassigned.json().get("version").asLong());
        assertThat(nullTitle.status()).isEqualTo(422);
    }

    @Test
    void aHardWipLimitRefusesTheNextCardAndASoftOneOnlyFlags() {
        var hard = admin.board("Hard", Map.of("wip_limit", 2, "wip_mode", "hard"));
        var soft = admin.board("Soft", Map.of("wip_limit", 1));
        var hardId = hard.get("id").asString();
        var b = KanbanClient.stage(hard, "B");
        admin.card(hardId, b, "One");
        admin.card(hardId, b, "Two");
        var waiting = admin.card(hardId, KanbanClient.stage(hard, "A"), "Waiting").get("id").asString();

        var third = admin.postCard(hardId, Map.of("stage_id", b, "title", "Three"));
        var moved = admin.move(waiting, Map.of("stage_id", b));
        admin.card(soft.get("id").asString(), KanbanClient.stage(soft, "B"), "One");
        var overSoft = admin.postCard(soft.get("id").asString(), Map.of("stage_id", KanbanClient.stage(soft, "B"), "title", "Two"));

        assertThat(third.status()).isEqualTo(409);
        assertThat(third.json().get("type").asString()).endsWith("wip-limit-reached");
        assertThat(third.json().get("wip_limit").asInt()).isEqualTo(2);
        assertThat(moved.status()).isEqualTo(409);
        assertThat(admin.getCard(waiting).get("stage_id").asString()).isEqualTo(KanbanClient.stage(hard, "A"));
        assertThat(overSoft.status()).isEqualTo(201);
        assertThat(KanbanClient.stageNode(admin.board(soft.get("id").asString()), "B").get("over_wip_limit").asBoolean())
                .isTrue();
        assertThat(KanbanClient.stageNode(admin.board(hardId), "B").get("card_count").asLong()).isEqualTo(2);
    }

    @Test
    void aCardEntersAWonStageOnlyWithItsRequiredChecklistDone() {
        var card = admin.card(boardId, stage("A"), "Gate").get("id").asString();
        var item = admin.http.post(admin.base + "/cards/" + card + "/checklist", Map.of("text", "Contract signed", "required", true));
        admin.http.post(admin.base + "/cards/" + card + "/checklist", Map.of("text", "Nice to have"));
        assertThat(item.status()).as(item.body()).isEqualTo(201);
        var itemId = item.json().get("id").asString();

        var refused = admin.move(card, Map.of("stage_id", stage("W")));
        var lost = admin.move(card, Map.of("stage_id", stage("L")));
        var done = admin.http.patch(admin.base + "/cards/" + card + "/checklist/" + itemId, Map.of("done", true));
        var won = admin.move(card, Map.of("stage_id", stage("W")));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("checklist-incomplete");
        assertThat(lost.status()).isEqualTo(200);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("done").asBoolean()).isTrue();
        assertThat(done.json().get("done_by").asString()).isEqualTo(tenant.admin().id().toString());
        assertThat(won.status()).as(won.body()).isEqualTo(200);
        assertThat(won.json().get("checklist").get("required_open").asInt()).isZero();
        assertThat(won.json().get("checklist").get("total").asInt()).isEqualTo(2);
    }

    @Test
    void newCardsInAStageReceiveItsChecklistTemplateOnce() {
        var patched = admin.http.patch(admin.base + "/boards/" + boardId + "/stages/" + stage("B"), Map.of(
                "checklist_template", List.of(Map.of("text", "Qualify budget", "required", true), Map.of("text", "Send deck"))));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);

        var created = admin.card(boardId, stage("B"), "Templated").get("id").asString();
        var moved = admin.card(boardId, stage("A"), "Moved in").get("id").asString();
        admin.move(moved, Map.of("stage_id", stage("B")));
        admin.move(moved, Map.of("stage_id", stage("A")));
        admin.move(moved, Map.of("stage_id", stage("B")));

        var items = admin.http.get(admin.base + "/cards/" + created + "/checklist").json().get("items");
        assertThat(items.findValuesAsString("text")).containsExactly("Qualify budget", "Send deck");
        assertThat(items.get(0).get("required").asBoolean()).isTrue();
        assertThat(admin.http.get(admin.base + "/cards/" + moved + "/checklist").json().get("items")).hasSize(2);
        assertThat(admin.move(created, Map.of("stage_id", stage("W"))).status()).isEqualTo(409);
    }

    @Test
    void theHistoryIsATimelineOfWhoDidWhat() {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var card = admin.card(boardId, stage("A"), "Timeline").get("id").asString();
        admin.patch(card, Map.of("title", "Timeline 2", "priority", "urgent"));
        admin.patch(card, Map.of("assignee_id", agent.id().toString()));
        admin.as(http(), agent.token()).move(card, Map.of("stage_id", stage("B")));
        admin.patch(card, Map.of("archived", true));

        var history = admin.http.get(admin.base + "/cards/" + card + "/history");

        assertThat(history.status()).isEqualTo(200);
        var items = history.json().get("items");
        assertThat(items.findValuesAsString("action")).containsExactly("created", "updated", "assigned", "moved", "archived");
        assertThat(items.get(1).get("changes").get("title").get(1).asString()).isEqualTo("Timeline 2");
        assertThat(items.get(1).get("changes").get("priority").get(0).asString()).isEqualTo("normal");
        assertThat(items.get(2).get("changes").get("assignee_id").get(1).asString()).isEqualTo(agent.id().toString());
        assertThat(items.get(3).get("from_stage_id").asString()).isEqualTo(stage("A"));
        assertThat(items.get(3).get("to_stage_id").asString()).isEqualTo(stage("B"));
        assertThat(items.get(3).get("actor").get("id").asString()).isEqualTo(agent.id().toString());
        assertThat(items.get(3).get("actor").get("type").asString()).isEqualTo("user");
        assertThat(items.get(0).get("actor").get("id").asString()).isEqualTo(tenant.admin().id().toString());
        assertThat(items.get(0).get("at").asString()).isNotBlank();

        var paged = admin.http.get(admin.base + "/cards/" + card + "/history?limit=2");
        assertThat(paged.json().get("items")).hasSize(2);
        var next = admin.http.get(admin.base + "/cards/" + card + "/history?limit=10&cursor="
                + paged.json().get("next_cursor").asString());
        assertThat(next.json().get("items").findValuesAsString("action")).containsExactly("assigned", "moved", "archived");
    }

    @Test
    void theServiceCannotRewriteHistory() throws Exception {
        admin.card(boardId, stage("A"), "Immutable");
        try (var connection = DriverManager.getConnection(TestInfrastructure.owner().url(),
                TestInfrastructure.owner().username(), TestInfrastructure.owner().password());
                var statement = connection.createStatement();
                var rs = statement.executeQuery("""
                        select has_table_privilege('whatpro_app', 'card_history', 'INSERT'),
                               has_table_privilege('whatpro_app', 'card_history', 'UPDATE'),
                               has_table_privilege('whatpro_app', 'card_history', 'DELETE')
                        """)) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getBoolean(2)).isFalse();
            assertThat(rs.getBoolean(3)).isFalse();
        }
    }

    @Test
    void agentsChangeOnlyTheirOwnOrUnassignedCards() {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var other = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var asAgent = admin.as(http(), agent.token());
        var mine = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Mine", "assignee_id", agent.id().toString()))
                .get("id").asString();
        var theirs = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Theirs", "assignee_id", other.id().toString()))
                .get("id").asString();
        var nobodys = admin.card(boardId, stage("A"), "Nobody's").get("id").asString();

        assertThat(asAgent.http.get(admin.base + "/cards/" + theirs).status()).isEqualTo(200);
        assertThat(asAgent.patch(theirs, Map.of("title", "Stolen")).status()).isEqualTo(403);
        assertThat(asAgent.move(theirs, Map.of("stage_id", stage("B"))).status()).isEqualTo(403);
        assertThat(asAgent.http.delete(admin.base + "/cards/" + theirs).status()).isEqualTo(403);
        assertThat(asAgent.http.post(admin.base + "/cards/" + theirs + "/checklist", Map.of("text", "x")).status()).isEqualTo(403);
        assertThat(asAgent.patch(mine, Map.of("title", "Still mine")).status()).isEqualTo(200);
        assertThat(asAgent.move(mine, Map.of("stage_id", stage("B"))).status()).isEqualTo(200);
        assertThat(asAgent.patch(nobodys, Map.of("assignee_id", other.id().toString())).status()).isEqualTo(403);
        assertThat(asAgent.patch(nobodys, Map.of("assignee_id", agent.id().toString())).status()).isEqualTo(200);
        assertThat(asAgent.postCard(boardId, Map.of("stage_id", stage("A"), "title", "For them",
                "assignee_id", other.id().toString())).status()).isEqualTo(403);
        assertThat(asAgent.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Mine too")).status()).isEqualTo(201);
        assertThat(asAgent.http.delete(admin.base + "/cards/" + mine).status()).isEqualTo(204);
        assertThat(admin.getCard(theirs).get("title").asString()).isEqualTo("Theirs");
    }

    @Test
    void cardScopesGateApiKeys() {
        var reader = http().bearer(fixtures.apiKey(tenant.admin().token(), tenant.id(), "cards:read"));
        var writer = http().bearer(fixtures.apiKey(tenant.admin().token(), tenant.id(), "cards:write"));
        var card = admin.card(boardId, stage("A"), "Keyed").get("id").asString();

        assertThat(reader.get(admin.base + "/boards/" + boardId + "/cards").status()).isEqualTo(200);
        assertThat(reader.get(admin.base + "/cards/" + card).status()).isEqualTo(200);
        assertThat(reader.patch(admin.base + "/cards/" + card, Map.of("title", "x")).status()).isEqualTo(403);
        assertThat(writer.post(admin.base + "/cards/" + card + "/move", Map.of("stage_id", stage("C"))).status()).isEqualTo(200);
        assertThat(writer.get(admin.base + "/cards/" + card).status()).isEqualTo(403);
    }

    @Test
    void listsFilterByStageAssigneeLabelPriorityAndText() {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Solar panels", "labels", List.of("energy"),
                "contact", Map.of("name", "Maria Souza", "phone", "+55 11 91234-5678")));
        admin.card(boardId, Map.of("stage_id", stage("B"), "title", "Wind farm", "priority", "urgent",
                "assignee_id", agent.id().toString(), "labels", List.of("energy", "vip")));
        admin.card(boardId, Map.of("stage_id", stage("B"), "title", "Office chairs", "contact", Map.of("name", "João Lima")));

        assertThat(titles("stage_id=" + stage("B"))).containsExactly("Wind farm", "Office chairs");
        assertThat(titles("assignee_id=" + agent.id())).containsExactly("Wind farm");
        assertThat(titles("label=energy")).containsExactly("Solar panels", "Wind farm");
        assertThat(titles("priority=urgent")).containsExactly("Wind farm");
        assertThat(titles("q=sola")).containsExactly("Solar panels");
        assertThat(titles("q=souza")).containsExactly("Solar panels");
        assertThat(titles("q=jo%C3%A3o")).containsExactly("Office chairs");
        assertThat(titles("q=91234")).containsExactly("Solar panels");
        assertThat(titles("label=energy&stage_id=" + stage("A"))).containsExactly("Solar panels");
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards?priority=extreme").status()).isEqualTo(422);
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards?stage_id=nope").status()).isEqualTo(400);
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards?cursor=garbage").status()).isEqualTo(422);
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards?limit=500").status()).isEqualTo(422);
    }

    @Test
    void pagesWalkTheBoardInStageAndRankOrderWithoutGapsOrRepeats() {
        for (var i = 0; i < 9; i++) {
            admin.card(boardId, stage(i % 3 == 0 ? "C" : i % 3 == 1 ? "A" : "B"), "Card " + i);
        }
        var seen = new java.util.ArrayList<String>();
        String cursor = null;
        var pages = 0;
        do {
            var page = admin.http.get(admin.base + "/boards/" + boardId + "/cards?limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            page.json().get("items").forEach(card -> seen.add(card.get("title").asString()));
            var next = page.json().get("next_cursor");
            cursor = next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("Card 1", "Card 4", "Card 7", "Card 2", "Card 5", "Card 8", "Card 0", "Card 3", "Card 6");
    }

    @Test
    void filteredPagesWalkEveryStageAndFindEachMatchOnce() {
        var expected = new java.util.ArrayList<String>();
        for (var i = 0; i < 12; i++) {
            var stageName = i % 3 == 0 ? "C" : i % 3 == 1 ? "A" : "B";
            var urgent = i % 2 == 0;
            admin.card(boardId, Map.of("stage_id", stage(stageName), "title", "Filtered " + i,
                    "priority", urgent ? "urgent" : "low"));
        }
        // in stage order A, B, C and creation (rank) order inside each stage
        for (var stageName : List.of("A", "B", "C")) {
            for (var i = 0; i < 12; i++) {
                var inStage = (i % 3 == 0 ? "C" : i % 3 == 1 ? "A" : "B").equals(stageName);
                if (inStage && i % 2 == 0) {
                    expected.add("Filtered " + i);
                }
            }
        }
        var seen = new java.util.ArrayList<String>();
        String cursor = null;
        do {
            var page = admin.http.get(admin.base + "/boards/" + boardId + "/cards?limit=2&priority=urgent&q=filtered"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("items").forEach(card -> seen.add(card.get("title").asString()));
            var next = page.json().get("next_cursor");
            cursor = next.isNull() ? null : next.asString();
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void stageTotalsFollowEveryChangeOfTheirCards() {
        var a = stage("A");
        var b = stage("B");
        var one = admin.card(boardId, Map.of("stage_id", a, "title", "One", "amount_minor", 1000, "currency", "BRL"))
                .get("id").asString();
        var two = admin.card(boardId, Map.of("stage_id", a, "title", "Two", "amount_minor", 250, "currency", "USD"))
                .get("id").asString();
        var three = admin.card(boardId, Map.of("stage_id", a, "title", "Three")).get("id").asString();
        assertTotals(a, 3, Map.of("BRL", 1000L, "USD", 250L));

        assertThat(admin.move(one, Map.of("stage_id", b)).status()).isEqualTo(200);
        assertThat(admin.patch(two, Map.of("amount_minor", 300, "currency", "EUR")).status()).isEqualTo(200);
        assertThat(admin.patch(three, Map.of("archived", true)).status()).isEqualTo(200);
        assertTotals(a, 1, Map.of("EUR", 300L));
        assertTotals(b, 1, Map.of("BRL", 1000L));

        assertThat(admin.patch(three, Map.of("archived", false)).status()).isEqualTo(200);
        assertThat(admin.http.delete(admin.base + "/cards/" + two).status()).isEqualTo(204);
        assertTotals(a, 1, Map.of());
        var removed = admin.http.delete(admin.base + "/boards/" + boardId + "/stages/" + b + "?move_cards_to=" + a);
        assertThat(removed.status()).as(removed.body()).isIn(200, 204);
        assertTotals(a, 2, Map.of("BRL", 1000L));
    }

    private void assertTotals(String stageId, long cards, Map<String, Long> amounts) {
        var board = admin.board(boardId);
        for (var stage : board.get("stages")) {
            if (stage.get("id").asString().equals(stageId)) {
                assertThat(stage.get("card_count").asLong()).as("cards of " + stage.get("name")).isEqualTo(cards);
                var totals = new java.util.HashMap<String, Long>();
                stage.get("amount_totals").properties().forEach(e -> totals.put(e.getKey(), e.getValue().asLong()));
                assertThat(totals).isEqualTo(amounts);
                return;
            }
        }
        throw new AssertionError("no stage " + stageId);
    }

    @Test
    void aCardOverItsStageSlaIsOverdue() throws Exception {
        var patched = admin.http.patch(admin.base + "/boards/" + boardId + "/stages/" + stage("A"), Map.of("sla_hours", 2));
        assertThat(patched.status()).isEqualTo(200);
        var late = admin.card(boardId, stage("A"), "Late").get("id").asString();
        admin.card(boardId, stage("A"), "On time");
        admin.card(boardId, stage("B"), "No SLA");
        try (var connection = DriverManager.getConnection(TestInfrastructure.owner().url(),
                TestInfrastructure.owner().username(), TestInfrastructure.owner().password());
                var statement = connection.prepareStatement("update cards set entered_stage_at = now() - interval '3 hours' where id = ?::uuid")) {
            statement.setString(1, late);
            statement.executeUpdate();
        }

        assertThat(titles("overdue=true")).containsExactly("Late");
        assertThat(titles("overdue=false")).containsExactly("On time", "No SLA");
        assertThat(admin.getCard(late).get("overdue").asBoolean()).isTrue();
        assertThat(admin.getCard(late).get("sla_due_at").asString()).isNotBlank();
        assertThat(KanbanClient.stageNode(admin.board(boardId), "A").get("overdue_count").asLong()).isEqualTo(1);
        var moved = admin.move(late, Map.of("stage_id", stage("B")));
        assertThat(moved.json().get("overdue").asBoolean()).isFalse();
    }

    @Test
    void customFieldsFollowTheBoardsDefinitions() {
        var typed = admin.createBoard(Map.of("name", "Typed", "field_definitions", List.of(
                Map.of("key", "budget", "type", "number", "required", true),
                Map.of("key", "segment", "type", "select", "options", List.of("smb", "enterprise")),
                Map.of("key", "close_date", "type", "date"))));
        var id = typed.get("id").asString();
        var stage = typed.get("stages").get(0).get("id").asString();

        var missing = admin.postCard(id, Map.of("stage_id", stage, "title", "x", "custom_fields", Map.of("segment", "smb")));
        var wrong = admin.postCard(id, Map.of("stage_id", stage, "title", "x", "custom_fields",
                Map.of("budget", "lots", "segment", "huge", "close_date", "soon", "extra", 1)));
        var good = admin.postCard(id, Map.of("stage_id", stage, "title", "x", "custom_fields",
                Map.of("budget", 1000, "segment", "smb", "close_date", "2026-12-24")));

        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("errors").findValuesAsString("field")).containsExactly("custom_fields.budget");
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder(
                "custom_fields.budget", "custom_fields.segment", "custom_fields.close_date", "custom_fields.extra");
        assertThat(good.status()).as(good.body()).isEqualTo(201);
        var card = good.json().get("id").asString();
        var merged = admin.patch(card, Map.of("custom_fields", Map.of("segment", "enterprise")));
        assertThat(merged.status()).isEqualTo(200);
        assertThat(merged.json().get("custom_fields").get("budget").asInt()).isEqualTo(1000);
        assertThat(merged.json().get("custom_fields").get("segment").asString()).isEqualTo("enterprise");
        assertThat(admin.patch(card, Map.of("custom_fields", Collections.singletonMap("budget", null))).status()).isEqualTo(422);
        var free = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Free", "custom_fields",
                Map.of("anything", Map.of("nested", List.of(1, 2)))));
        assertThat(free.status()).isEqualTo(201);
    }

    @Test
    void badCardInputIsNamedAndNothingIsWritten() {
        var wrongStage = admin.postCard(boardId, Map.of("stage_id", admin.defaultBoard().get("stages").get(0).get("id").asString(),
                "title", "Elsewhere"));
        var bad = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "", "currency", "real",
                "priority", "asap", "amount_minor", -1));
        var noCurrency = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Money", "amount_minor", 10));
        var stranger = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Stranger",
                "assignee_id", java.util.UUID.randomUUID().toString()));
        var malformed = admin.http.post(admin.base + "/boards/" + boardId + "/cards", "{\"stage_id\": 12, \"title\": [}");

        assertThat(wrongStage.status()).isEqualTo(422);
        assertThat(wrongStage.json().get("errors").get(0).get("field").asString()).isEqualTo("stage_id");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").findValuesAsString("field"))
                .contains("title", "currency", "priority", "amount_minor");
        assertThat(noCurrency.status()).isEqualTo(422);
        assertThat(stranger.status()).isEqualTo(422);
        assertThat(stranger.json().get("errors").get(0).get("field").asString()).isEqualTo("assignee_id");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards").json().get("items")).isEmpty();
    }

    @Test
    void aConversationSitsOnOneCardOnly() {
        admin.card(boardId, Map.of("stage_id", stage("A"), "title", "First", "conversation_ids", List.of(900)));
        var second = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Second", "conversation_ids", List.of(901)));

        var clash = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Clash", "conversation_ids", List.of(900, 902)));
        var patchClash = admin.patch(second.get("id").asString(), Map.of("conversation_ids", List.of(901, 900)));
        var patched = admin.patch(second.get("id").asString(), Map.of("conversation_ids", List.of(903, 901)));

        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.json().get("conversation_ids").get(0).asLong()).isEqualTo(900);
        assertThat(patchClash.status()).isEqualTo(409);
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("conversation_ids").findValuesAsString("none")).isEmpty();
        assertThat(patched.json().get("conversation_ids")).hasSize(2);
    }

    @Test
    void archivedCardsLeaveTheBoardTotalsAndComeBackUnderTheWipLimit() {
        var hard = admin.board("Archive", Map.of("wip_limit", 1, "wip_mode", "hard"));
        var id = hard.get("id").asString();
        var b = KanbanClient.stage(hard, "B");
        var first = admin.card(id, b, "First").get("id").asString();

        var archived = admin.patch(first, Map.of("archived", true));
        var second = admin.postCard(id, Map.of("stage_id", b, "title", "Second"));
        var back = admin.patch(first, Map.of("archived", false));

        assertThat(archived.json().get("archived").asBoolean()).isTrue();
        assertThat(second.status()).isEqualTo(201);
        assertThat(back.status()).isEqualTo(409);
        assertThat(admin.http.get(admin.base + "/boards/" + id + "/cards?archived=true").json().get("items")).hasSize(1);
        assertThat(admin.move(first, Map.of("stage_id", KanbanClient.stage(hard, "A"))).status()).isEqualTo(409);
        assertThat(KanbanClient.stageNode(admin.board(id), "B").get("card_count").asLong()).isEqualTo(1);
    }

    @Test
    void aDeletedCardIsGone() {
        var card = admin.card(boardId, stage("A"), "Doomed").get("id").asString();

        assertThat(admin.http.with("If-Match", "\"7\"").delete(admin.base + "/cards/" + card).status()).isEqualTo(412);
        assertThat(admin.http.delete(admin.base + "/cards/" + card).status()).isEqualTo(204);
        assertThat(admin.http.get(admin.base + "/cards/" + card).status()).isEqualTo(404);
        assertThat(admin.http.delete(admin.base + "/cards/" + card).status()).isEqualTo(404);
    }

    private List<String> titles(String query) {
        var response = admin.http.get(admin.base + "/boards/" + boardId + "/cards?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("items").findValuesAsString("title");
    }
}
