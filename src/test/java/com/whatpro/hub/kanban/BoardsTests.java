package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Boards and stages: defaults, limits, roles, order, and deleting a stage that holds cards. */
class BoardsTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant acme;
    KanbanClient admin;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Boards Co");
        admin = new KanbanClient(http(), acme.admin().token(), acme.id());
    }

    @Test
    void aNewAccountGetsADefaultBoardWithTheDefaultStages() {
        var board = admin.defaultBoard();

        assertThat(board.get("is_default").asBoolean()).isTrue();
        assertThat(names(board)).containsExactly("New", "In progress", "Waiting", "Won", "Lost");
        assertThat(board.get("stages").findValuesAsString("kind")).containsExactly("open", "open", "open", "won", "lost");
        assertThat(board.get("stages").get(0).get("card_count").asLong()).isZero();
        assertThat(admin.http.get(admin.base + "/boards").json().get("items")).hasSize(1);
    }

    @Test
    void aBoardCreatedWithoutStagesGetsTheDefaultSetAndWithStagesExactlyThose() {
        var plain = admin.createBoard(Map.of("name", "Support", "type", "support"));
        var custom = admin.createBoard(Map.of("name", "Hiring", "stages", List.of(
                Map.of("name", "Applied", "color", "#112233"),
                Map.of("name", "Hired", "kind", "won", "sla_hours", 48),
                Map.of("name", "Rejected", "kind", "lost", "wip_limit", 3, "wip_mode", "hard"))));

        assertThat(names(plain)).containsExactly("New", "In progress", "Waiting", "Won", "Lost");
        assertThat(plain.get("type").asString()).isEqualTo("support");
        assertThat(plain.get("is_default").asBoolean()).isFalse();
        assertThat(names(custom)).containsExactly("Applied", "Hired", "Rejected");
        assertThat(custom.get("stages").get(0).get("color").asString()).isEqualTo("#112233");
        assertThat(custom.get("stages").get(1).get("sla_hours").asInt()).isEqualTo(48);
        assertThat(custom.get("stages").get(2).get("wip_mode").asString()).isEqualTo("hard");
        assertThat(custom.get("stages").findValuesAsString("kind")).containsExactly("open", "won", "lost");
    }

    @Test
    void boardCreationCountsAgainstMaxBoards() {
        admin.defaultBoard();
        var plan = http().bearer(fixtures.superAdmin()).patch(admin.base, Map.of("plan", "free"));
        assertThat(plan.status()).as(plan.body()).isEqualTo(200);

        var refused = admin.http.post(admin.base + "/boards", Map.of("name", "One too many"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("limit").asString()).isEqualTo("max_boards");
        assertThat(admin.http.get(admin.base + "/boards").json().get("items")).hasSize(1);
    }

    @Test
    void parallelBoardCreationStopsExactlyAtTheLimit() throws Exception {
        admin.defaultBoard();
        var results = new ArrayList<java.util.concurrent.Future<Integer>>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (var i = 0; i < 12; i++) {
                var name = "Parallel " + i;
                results.add(pool.submit(() -> admin.http.post(admin.base + "/boards", Map.of("name", name)).status()));
            }
        }
        var created = 0;
        for (var result : results) {
            var status = result.get();
            assertThat(status).isIn(201, 403);
            created += status == 201 ? 1 : 0;
        }
        assertThat(created).isEqualTo(4);
        assertThat(admin.http.get(admin.base + "/boards").json().get("items")).hasSize(5);
    }

    @Test
    void onlyAdminsWriteBoardsSupervisorsManageStagesAgentsRead() {
        var board = admin.createBoard(Map.of("name", "Roles"));
        var id = board.get("id").asString();
        var supervisor = admin.as(http(), fixtures.member(acme.admin().token(), acme.id(), "supervisor").token());
        var agent = admin.as(http(), fixtures.member(acme.admin().token(), acme.id(), "agent").token());

        assertThat(agent.http.get(admin.base + "/boards").status()).isEqualTo(200);
        assertThat(agent.http.get(admin.base + "/boards/" + id).status()).isEqualTo(200);
        assertThat(agent.http.post(admin.base + "/boards", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(agent.http.patch(admin.base + "/boards/" + id, Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(agent.http.delete(admin.base + "/boards/" + id).status()).isEqualTo(403);
        assertThat(agent.http.post(admin.base + "/boards/" + id + "/stages", Map.of("name", "X")).status()).isEqualTo(403);
        assertThat(supervisor.http.post(admin.base + "/boards", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(supervisor.http.delete(admin.base + "/boards/" + id).status()).isEqualTo(403);

        var stage = supervisor.http.post(admin.base + "/boards/" + id + "/stages", Map.of("name", "Review", "position", 1));
        assertThat(stage.status()).as(stage.body()).isEqualTo(201);
        var stageId = stage.json().get("id").asString();
        assertThat(supervisor.http.patch(admin.base + "/boards/" + id + "/stages/" + stageId,
                Map.of("wip_limit", 2)).status()).isEqualTo(200);
        assertThat(agent.http.patch(admin.base + "/boards/" + id + "/stages/" + stageId,
                Map.of("wip_limit", 3)).status()).isEqualTo(403);
        assertThat(agent.http.delete(admin.base + "/boards/" + id + "/stages/" + stageId).status()).isEqualTo(403);
        assertThat(supervisor.http.delete(admin.base + "/boards/" + id + "/stages/" + stageId).status()).isEqualTo(204);
        assertThat(admin.http.delete(admin.base + "/boards/" + id).status()).isEqualTo(204);
        assertThat(admin.http.get(admin.base + "/boards/" + id).status()).isEqualTo(404);
    }

    @Test
    void apiKeysNeedTheBoardScopes() {
        var board = admin.defaultBoard().get("id").asString();
        var reader = http().bearer(fixtures.apiKey(acme.admin().token(), acme.id(), "boards:read"));
        var writer = http().bearer(fixtures.apiKey(acme.admin().token(), acme.id(), "boards:write"));
        var cardsOnly = http().bearer(fixtures.apiKey(acme.admin().token(), acme.id(), "cards:read"));

        assertThat(reader.get(admin.base + "/boards/" + board).status()).isEqualTo(200);
        assertThat(reader.post(admin.base + "/boards", Map.of("name", "K")).status()).isEqualTo(403);
        assertThat(cardsOnly.get(admin.base + "/boards").status()).isEqualTo(403);
        assertThat(writer.post(admin.base + "/boards", Map.of("name", "K")).status()).isEqualTo(201);
        assertThat(writer.post(admin.base + "/boards/" + board + "/stages", Map.of("name", "Via key")).status())
                .isEqualTo(201);
    }

    @Test
    void stagesCarryCountsAmountsAndTheSoftWipFlag() {
        var board = admin.board("Totals", Map.of("wip_limit", 1));
        var id = board.get("id").asString();
        var b = KanbanClient.stage(board, "B");
        admin.card(id, Map.of("stage_id", b, "title", "One", "amount_minor", 1000, "currency", "BRL"));
        admin.card(id, Map.of("stage_id", b, "title", "Two", "amount_minor", 250, "currency", "BRL"));
        admin.card(id, Map.of("stage_id", b, "title", "Three", "amount_minor", 5, "currency", "USD"));

        var stage = KanbanClient.stageNode(admin.board(id), "B");

        assertThat(stage.get("card_count").asLong()).isEqualTo(3);
        assertThat(stage.get("amount_total_minor").asLong()).isEqualTo(1255);
        assertThat(stage.get("amount_totals").get("BRL").asLong()).isEqualTo(1250);
        assertThat(stage.get("amount_totals").get("USD").asLong()).isEqualTo(5);
        assertThat(stage.get("over_wip_limit").asBoolean()).isTrue();
        assertThat(KanbanClient.stageNode(admin.board(id), "A").get("card_count").asLong()).isZero();
    }

    @Test
    void stageOrderMustNameExactlyTheBoardsStages() {
        var board = admin.board("Order", Map.of());
        var id = board.get("id").asString();
        var ids = new ArrayList<String>(board.get("stages").findValuesAsString("id"));
        java.util.Collections.reverse(ids);

        var missing = admin.http.put(admin.base + "/boards/" + id + "/stage-order", Map.of("stage_ids", ids.subList(0, 4)));
        var foreign = new ArrayList<>(ids.subList(0, 4));
        foreign.add(admin.defaultBoard().get("stages").get(0).get("id").asString());
        var wrong = admin.http.put(admin.base + "/boards/" + id + "/stage-order", Map.of("stage_ids", foreign));
        var reordered = admin.http.put(admin.base + "/boards/" + id + "/stage-order", Map.of("stage_ids", ids));

        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("errors").get(0).get("field").asString()).isEqualTo("stage_ids");
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(reordered.status()).as(reordered.body()).isEqualTo(200);
        assertThat(names(admin.board(id))).containsExactly("L", "W", "C", "B", "A");
        assertThat(admin.board(id).get("stages").findValues("position").stream().map(JsonNode::asInt).toList())
                .containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aStageIsInsertedAtItsPositionAndMovedByPatch() {
        var board = admin.board("Positions", Map.of());
        var id = board.get("id").asString();

        var created = admin.http.post(admin.base + "/boards/" + id + "/stages", Map.of("name", "First", "position", 0));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(names(admin.board(id))).containsExactly("First", "A", "B", "C", "W", "L");
        var moved = admin.http.patch(admin.base + "/boards/" + id + "/stages/" + created.json().get("id").asString(),
                Map.of("position", 5, "name", "Last"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(names(admin.board(id))).containsExactly("A", "B", "C", "W", "L", "Last");
        var outside = admin.http.post(admin.base + "/boards/" + id + "/stages", Map.of("name", "Far", "position", 9));
        assertThat(outside.status()).isEqualTo(422);
    }

    @Test
    void deletingAStageWithCardsNeedsATargetAndMovesThemThereInOrder() {
        var board = admin.board("Delete stage", Map.of());
        var id = board.get("id").asString();
        var a = KanbanClient.stage(board, "A");
        var c = KanbanClient.stage(board, "C");
        admin.card(id, c, "Already in C");
        admin.card(id, a, "First");
        admin.card(id, a, "Second");

        var refused = admin.http.delete(admin.base + "/boards/" + id + "/stages/" + a);
        var elsewhere = admin.http.delete(admin.base + "/boards/" + id + "/stages/" + a + "?move_cards_to="
                + admin.defaultBoard().get("stages").get(0).get("id").asString());
        var deleted = admin.http.delete(admin.base + "/boards/" + id + "/stages/" + a + "?move_cards_to=" + c);

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("move_cards_to");
        assertThat(elsewhere.status()).isEqualTo(422);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        var after = admin.board(id);
        assertThat(names(after)).containsExactly("B", "C", "W", "L");
        assertThat(after.get("stages").findValues("position").stream().map(JsonNode::asInt).toList())
                .containsExactly(0, 1, 2, 3);
        assertThat(admin.titles(id, c)).containsExactly("Already in C", "First", "Second");
        assertThat(KanbanClient.stageNode(after, "C").get("card_count").asLong()).isEqualTo(3);
    }

    @Test
    void aDeletedBoardLeavesNoStageTotalsBehind() throws Exception {
        var board = admin.board("Short-lived", Map.of());
        var id = board.get("id").asString();
        admin.card(id, KanbanClient.stage(board, "A"), "One");
        admin.card(id, KanbanClient.stage(board, "B"), "Two");
        var other = admin.board("Stays", Map.of()).get("id").asString();
        admin.card(other, KanbanClient.stage(admin.board(other), "A"), "Kept");
        var counted = "select count(*) from stage_totals t join stages s on s.id = t.stage_id where s.board_id = '%s' and t.cards > 0";
        assertThat(TestInfrastructure.owner().value(counted.formatted(id))).isEqualTo("2");

        assertThat(admin.http.delete(admin.base + "/boards/" + id).status()).isEqualTo(204);

        var stageIds = board.get("stages").findValuesAsString("id").stream().map(s -> "'" + s + "'")
                .collect(Collectors.joining(","));
        assertThat(TestInfrastructure.owner().value("select count(*) from stage_totals where stage_id in (" + stageIds + ")"))
                .isEqualTo("0");
        assertThat(KanbanClient.stageNode(admin.board(other), "A").get("card_count").asLong()).isEqualTo(1);
    }

    @Test
    void anEmptyStageIsDeletedWithoutTargetButTheLastStageStays() {
        var board = admin.createBoard(Map.of("name", "Tiny", "stages", List.of(Map.of("name", "Only"), Map.of("name", "Other"))));
        var id = board.get("id").asString();

        assertThat(admin.http.delete(admin.base + "/boards/" + id + "/stages/" + KanbanClient.stage(board, "Other"))
                .status()).isEqualTo(204);
        var last = admin.http.delete(admin.base + "/boards/" + id + "/stages/" + KanbanClient.stage(board, "Only"));
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.json().get("type").asString()).endsWith("last-stage");
    }

    @Test
    void theDefaultBoardCannotBeDeletedUntilAnotherBoardIsTheDefault() {
        var original = admin.defaultBoard().get("id").asString();
        var other = admin.createBoard(Map.of("name", "Next default")).get("id").asString();

        var refused = admin.http.delete(admin.base + "/boards/" + original);
        var switched = admin.http.patch(admin.base + "/boards/" + other, Map.of("is_default", true));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(switched.json().get("is_default").asBoolean()).isTrue();
        assertThat(admin.board(original).get("is_default").asBoolean()).isFalse();
        assertThat(admin.http.delete(admin.base + "/boards/" + original).status()).isEqualTo(204);
    }

    @Test
    void badBoardAndStageInputIsNamed() {
        var blank = admin.http.post(admin.base + "/boards", Map.of("name", " "));
        var kind = admin.http.post(admin.base + "/boards", Map.of("name", "K", "stages", List.of(Map.of("name", "X", "kind", "maybe"))));
        var fields = admin.http.post(admin.base + "/boards", Map.of("name", "F", "field_definitions",
                List.of(Map.of("key", "Bad Key", "type", "text"), Map.of("key", "size", "type", "colour"))));
        var id = admin.defaultBoard().get("id").asString();
        var wip = admin.http.post(admin.base + "/boards/" + id + "/stages", Map.of("name", "W", "wip_limit", 0, "wip_mode", "strict"));
        var nullName = admin.http.patch(admin.base + "/boards/" + id, java.util.Collections.singletonMap("name", null));

        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.json().get("errors").findValuesAsString("field")).contains("name");
        assertThat(kind.status()).isEqualTo(422);
        assertThat(fields.status()).isEqualTo(422);
        assertThat(fields.json().get("errors").findValuesAsString("field"))
                .contains("field_definitions[0].key", "field_definitions[1].type");
        assertThat(wip.status()).isEqualTo(422);
        assertThat(wip.json().get("errors").findValuesAsString("field")).contains("wip_limit", "wip_mode");
        assertThat(nullName.status()).isEqualTo(422);
    }

    @Test
    void boardPatchChangesOnlyWhatItNames() {
        var board = admin.createBoard(Map.of("name", "Patch me", "description", "keep"));
        var id = board.get("id").asString();

        var renamed = admin.http.patch(admin.base + "/boards/" + id, Map.of("name", "Patched"));
        var cleared = admin.http.patch(admin.base + "/boards/" + id, java.util.Collections.singletonMap("description", null));

        assertThat(renamed.json().get("name").asString()).isEqualTo("Patched");
        assertThat(renamed.json().get("description").asString()).isEqualTo("keep");
        assertThat(cleared.json().get("description").isNull()).isTrue();
        assertThat(cleared.json().get("name").asString()).isEqualTo("Patched");
    }

    @Test
    void anAccountWhosePlanLacksKanbanIsRefusedItsRoutes() throws Exception {
        var owner = com.whatpro.hub.TestInfrastructure.owner();
        try (var connection = java.sql.DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement(
                        "update accounts set feature_overrides = '{\"kanban\": false}' where id = ?")) {
            statement.setLong(1, acme.id());
            statement.executeUpdate();
        }

        var boards = admin.http.get(admin.base + "/boards");

        assertThat(boards.status()).isEqualTo(403);
        assertThat(boards.json().get("feature").asString()).isEqualTo("kanban");
        assertThat(admin.http.post(admin.base + "/boards", Map.of("name", "No")).status()).isEqualTo(403);
    }

    @Test
    void theOpenApiDocumentDescribesEveryKanbanRoute() {
        var paths = http().get("/v3/api-docs").json().get("paths");
        var prefix = "/api/v1/accounts/{accountId}";

        for (var path : List.of("/boards", "/boards/{boardId}", "/boards/{boardId}/stages",
                "/boards/{boardId}/stages/{stageId}", "/boards/{boardId}/stage-order", "/boards/{boardId}/cards",
                "/boards/{boardId}/events", "/cards/{cardId}", "/cards/{cardId}/move", "/cards/{cardId}/history",
                "/cards/{cardId}/checklist", "/cards/{cardId}/checklist/{itemId}")) {
            assertThat(paths.has(prefix + path)).as(path).isTrue();
        }
        var patchCard = paths.get(prefix + "/cards/{cardId}").get("patch").get("requestBody").toString();
        assertThat(patchCard).contains("UpdateCard");
    }

    static List<String> names(JsonNode board) {
        return board.get("stages").findValuesAsString("name");
    }
}
