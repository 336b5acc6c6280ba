package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.Test;

/**
 * Input PostgreSQL cannot hold is refused at the edge with a 422 naming the field, and nothing of it is written:
 * NUL characters in texts and JSON values, times outside the years 1 to 9999, amounts above 10^15.
 */
class CardInputTests extends KanbanTest {

    @Test
    void aTitleWithANulCharacterIsRefusedAndNoCardIsWritten() {
        var response = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "Deal\u0000"));

        assertInvalid(response, "title");
        assertThat(admin.titles(boardId, stage("A"))).isEmpty();
    }

    @Test
    void nulCharactersAreRefusedInEveryTextAndJsonValueOfACard() {
        var card = admin.card(boardId, stage("A"), "Clean").get("id").asString();

        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "ok",
                "labels", List.of("vip", "v\u0000ip"))), "labels[1]");
        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "ok",
                "custom_fields", Map.of("source", "a\u0000ds"))), "custom_fields.source");
        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "ok",
                "custom_fields", Map.of("so\u0000urce", "ads"))), "custom_fields.so\\u0000urce");
        assertInvalid(admin.patch(card, Map.of("title", "\u0000")), "title");
        assertInvalid(admin.patch(card, Map.of("contact", Map.of("name", "Ana\u0000"))), "contact.name");
        assertInvalid(admin.http.post(admin.base + "/cards/" + card + "/checklist", Map.of("text", "call\u0000")),
                "text");
        assertInvalid(admin.http.post(admin.base + "/boards", Map.of("name", "B\u0000oard")), "name");
        assertInvalid(admin.http.post(admin.base + "/boards/" + boardId + "/stages", Map.of("name", "S\u0000")), "name");

        assertThat(admin.titles(boardId, stage("A"))).containsExactly("Clean");
        var unchanged = admin.getCard(card);
        assertThat(unchanged.get("version").asLong()).isEqualTo(1);
        assertThat(unchanged.get("checklist").get("total").asInt()).isZero();
    }

    @Test
    void aQueryParameterWithANulCharacterIsRefused() {
        admin.card(boardId, stage("A"), "Findable");

        assertInvalid(admin.http.get(admin.base + "/boards/" + boardId + "/cards?q=find%00able"), "q");
        assertInvalid(admin.http.get(admin.base + "/boards/" + boardId + "/cards?label=v%00ip"), "label");
        assertThat(admin.http.get(admin.base + "/boards/" + boardId + "/cards?q=findable").json().get("items"))
                .hasSize(1);
    }

    /** Found in review: a due date PostgreSQL cannot hold ("timestamp out of range") was a 500. */
    @Test
    void aDueDateOutsideTheYears1To9999IsRefused() {
        var card = admin.card(boardId, stage("A"), "Dated").get("id").asString();

        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "far",
                "due_at", "+300000-01-01T00:00:00Z")), "due_at");
        assertInvalid(admin.patch(card, Map.of("due_at", "-5000-01-01T00:00:00Z")), "due_at");
        assertInvalid(admin.patch(card, Map.of("due_at", "+10000-01-01T00:00:00Z")), "due_at");

        assertThat(admin.titles(boardId, stage("A"))).containsExactly("Dated");
        assertThat(admin.getCard(card).get("version").asLong()).isEqualTo(1);
        var latest = admin.patch(card, Map.of("due_at", "9999-12-31T23:59:59Z"));
        assertThat(latest.status()).as(latest.body()).isEqualTo(200);
        assertThat(latest.json().get("due_at").asString()).isEqualTo("9999-12-31T23:59:59Z");
        var earliest = admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "old",
                "due_at", "0001-01-01T00:00:00Z"));
        assertThat(earliest.status()).as(earliest.body()).isEqualTo(201);
        assertThat(earliest.json().get("due_at").asString()).isEqualTo("0001-01-01T00:00:00Z");
    }

    /** Found in review: any bigint was taken, and the stage's bigint totals then overflowed at every commit. */
    @Test
    void anAmountAbove10To15IsRefusedAndTheCapItselfIsTaken() {
        var card = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Priced", "amount_minor", 100,
                "currency", "BRL")).get("id").asString();

        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "huge",
                "amount_minor", Long.MAX_VALUE, "currency", "BRL")), "amount_minor");
        assertInvalid(admin.postCard(boardId, Map.of("stage_id", stage("A"), "title", "huge",
                "amount_minor", 1_000_000_000_000_001L, "currency", "BRL")), "amount_minor");
        assertInvalid(admin.patch(card, Map.of("amount_minor", Long.MAX_VALUE)), "amount_minor");

        assertThat(admin.titles(boardId, stage("A"))).containsExactly("Priced");
        assertThat(admin.getCard(card).get("amount_minor").asLong()).isEqualTo(100);
        var capped = admin.patch(card, Map.of("amount_minor", 1_000_000_000_000_000L));
        assertThat(capped.status()).as(capped.body()).isEqualTo(200);
        assertThat(totalOf(stage("A"))).isEqualTo(new BigInteger("1000000000000000"));
    }

    /**
     * A stage's totals are sums of any number of cards: beyond a long they are still kept and answered, and
     * changes to the stage's cards go on (they failed at commit with "bigint out of range").
     */
    @Test
    void stageTotalsBeyondALongNeverFailAChange() throws Exception {
        var cards = 9_300;
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var insert = connection.prepareStatement("""
                        insert into cards (id, account_id, board_id, stage_id, rank, title, amount_minor, currency)
                        select gen_random_uuid(), ?, ?::uuid, ?::uuid, 'e' || lpad(i::text, 5, '0'), 'Bulk ' || i,
                               1000000000000000, 'BRL'
                        from generate_series(1, ?) i""")) {
            insert.setLong(1, tenant.id());
            insert.setString(2, boardId);
            insert.setString(3, stage("B"));
            insert.setInt(4, cards);
            insert.executeUpdate();
        }
        var expected = BigInteger.valueOf(cards).multiply(BigInteger.TEN.pow(15));
        assertThat(expected).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
        assertThat(totalOf(stage("B"))).isEqualTo(expected);

        var created = admin.postCard(boardId, Map.of("stage_id", stage("B"), "title", "One more",
                "amount_minor", 5, "currency", "BRL"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var moved = admin.card(boardId, Map.of("stage_id", stage("A"), "title", "Mover", "amount_minor", 7,
                "currency", "BRL")).get("id").asString();
        var move = admin.move(moved, Map.of("stage_id", stage("B")));
        assertThat(move.status()).as(move.body()).isEqualTo(200);
        var edit = admin.patch(created.json().get("id").asString(), Map.of("amount_minor", 6));
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);

        assertThat(totalOf(stage("B"))).isEqualTo(expected.add(BigInteger.valueOf(13)));
        var stageView = KanbanClient.stageNode(admin.board(boardId), "B");
        assertThat(stageView.get("amount_totals").get("BRL").bigIntegerValue()).isEqualTo(expected.add(BigInteger.valueOf(13)));
        assertThat(stageView.get("card_count").asLong()).isEqualTo(cards + 2);
    }

    private BigInteger totalOf(String stageId) {
        for (var stage : admin.board(boardId).get("stages")) {
            if (stage.get("id").asString().equals(stageId)) {
                assertThat(stage.get("amount_total_minor").isIntegralNumber()).isTrue();
                return stage.get("amount_total_minor").bigIntegerValue();
            }
        }
        throw new AssertionError("no stage " + stageId);
    }

    static void assertInvalid(TestHttp.Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").findValuesAsString("field")).as(response.body()).contains(field);
    }
}
