package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Another tenant finds nothing on any kanban route: neither under the victim's account nor by
 * using the victim's ids under its own account. Underneath, the database hides the rows too.
 */
class KanbanIsolationTests extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    Fixtures.Tenant acme;
    Fixtures.Tenant globex;
    KanbanClient victim;
    String board;
    String stage;
    String otherStage;
    String card;
    String item;

    @BeforeEach
    void setUp() {
        var fixtures = new Fixtures(http());
        acme = fixtures.tenant("Acme Kanban");
        globex = fixtures.tenant("Globex Kanban");
        victim = new KanbanClient(http(), acme.admin().token(), acme.id());
        var created = victim.board("Secret pipeline", Map.of());
        board = created.get("id").asString();
        stage = KanbanClient.stage(created, "A");
        otherStage = KanbanClient.stage(created, "B");
        card = victim.card(board, Map.of("stage_id", stage, "title", "Secret deal", "conversation_ids", List.of(7001)))
                .get("id").asString();
        item = victim.http.post(victim.base + "/cards/" + card + "/checklist", Map.of("text", "secret"))
                .json().get("id").asString();
    }

    @Test
    void everyKanbanRouteUnderAnotherAccountIsNotFound() {
        var intruder = http().bearer(globex.admin().token());
        var base = "/api/v1/accounts/" + acme.id();
        assertAllNotFound(intruder, base);
        var intruderKey = http().bearer(new Fixtures(http()).apiKey(globex.admin().token(), globex.id(),
                "boards:read", "boards:write", "cards:read", "cards:write"));
        assertAllNotFound(intruderKey, base);
        assertThat(victim.getCard(card).get("title").asString()).isEqualTo("Secret deal");
        assertThat(victim.board(board).get("name").asString()).isEqualTo("Secret pipeline");
    }

    @Test
    void anotherTenantsIdsAreNotFoundUnderOnesOwnAccount() {
        var own = new KanbanClient(http(), globex.admin().token(), globex.id());
        var ownBoard = own.defaultBoard();
        var ownBoardId = ownBoard.get("id").asString();
        var ownStage = ownBoard.get("stages").get(0).get("id").asString();
        var ownCard = own.card(ownBoardId, ownStage, "Mine").get("id").asString();
        var base = own.base;

        assertAllNotFound(own.http, base);
        // the victim's ids inside bodies of one's own resources are simply not there
        assertThat(own.move(ownCard, Map.of("stage_id", stage)).status()).isEqualTo(422);
        assertThat(own.move(ownCard, Map.of("stage_id", ownStage, "after_card_id", card)).status()).isEqualTo(422);
        assertThat(own.postCard(ownBoardId, Map.of("stage_id", stage, "title", "x")).status()).isEqualTo(422);
        assertThat(own.http.patch(base + "/boards/" + ownBoardId + "/stages/" + stage, Map.of("name", "x")).status()).isEqualTo(404);
        assertThat(own.http.delete(base + "/boards/" + ownBoardId + "/stages/" + stage).status()).isEqualTo(404);
        assertThat(own.http.delete(base + "/boards/" + ownBoardId + "/stages/" + ownStage + "?move_cards_to=" + stage).status())
                .isEqualTo(422);
        assertThat(own.http.patch(base + "/cards/" + ownCard + "/checklist/" + item, Map.of("done", true)).status()).isEqualTo(404);
        // the same Chatwoot conversation id is free in another account
        assertThat(own.postCard(ownBoardId, Map.of("stage_id", ownStage, "title", "Same conversation",
                "conversation_ids", List.of(7001))).status()).isEqualTo(201);
        assertThat(victim.getCard(card).get("title").asString()).isEqualTo("Secret deal");
    }

    @Test
    void theDatabaseHidesAnotherTenantsKanbanRows() {
        var tables = List.of("boards", "stages", "cards", "card_conversations", "checklist_items", "card_history",
                "card_search_terms");
        var protectedTables = transactions.execute(status -> jdbc.sql("""
                select relname from pg_class where relname in (:tables) and relrowsecurity and relforcerowsecurity
                """).param("tables", tables).query(String.class).list());
        assertThat(protectedTables).containsExactlyInAnyOrderElementsOf(tables);

        for (var table : tables) {
            var seenByGlobex = Tenancy.callAs(AccountId.of(globex.id()), () -> transactions.execute(status ->
                    jdbc.sql("select count(*) from " + table + " where account_id = :victim")
                            .param("victim", acme.id()).query(Long.class).single()));
            var seenByAcme = Tenancy.callAs(AccountId.of(acme.id()), () -> transactions.execute(status ->
                    jdbc.sql("select count(*) from " + table + " where account_id = :victim")
                            .param("victim", acme.id()).query(Long.class).single()));
            assertThat(seenByGlobex).as(table).isZero();
            assertThat(seenByAcme).as(table).isPositive();
        }
    }

    private void assertAllNotFound(TestHttp intruder, String base) {
        var b = base + "/boards/" + board;
        var c = base + "/cards/" + card;
        List.of(b, b + "/stages", b + "/cards", b + "/events", c, c + "/history", c + "/checklist")
                .forEach(path -> assertNotFound(intruder.get(path), "GET " + path));
        assertNotFound(intruder.patch(b, Map.of("name", "Pwned")), "PATCH board");
        assertNotFound(intruder.delete(b), "DELETE board");
        assertNotFound(intruder.post(b + "/stages", Map.of("name", "Evil")), "POST stage");
        assertNotFound(intruder.patch(b + "/stages/" + stage, Map.of("name", "Evil")), "PATCH stage");
        assertNotFound(intruder.delete(b + "/stages/" + stage + "?move_cards_to=" + otherStage), "DELETE stage");
        assertNotFound(intruder.put(b + "/stage-order", Map.of("stage_ids", List.of(otherStage, stage))), "PUT stage-order");
        assertNotFound(intruder.post(b + "/cards", Map.of("stage_id", stage, "title", "Planted")), "POST card");
        assertNotFound(intruder.patch(c, Map.of("title", "Pwned")), "PATCH card");
        assertNotFound(intruder.post(c + "/move", Map.of("stage_id", otherStage)), "POST move");
        assertNotFound(intruder.post(c + "/checklist", Map.of("text", "Planted")), "POST checklist");
        assertNotFound(intruder.patch(c + "/checklist/" + item, Map.of("done", true)), "PATCH checklist");
        assertNotFound(intruder.delete(c + "/checklist/" + item), "DELETE checklist");
        assertNotFound(intruder.delete(c), "DELETE card");
    }

    private static void assertNotFound(TestHttp.Response response, String what) {
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(404);
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
    }
}
