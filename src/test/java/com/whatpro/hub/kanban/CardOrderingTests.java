package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A move puts a card exactly where asked, writes only its own rank, and concurrency never breaks the order. */
class CardOrderingTests extends KanbanTest {

    String a;
    String b;

    @BeforeEach
    void setUp() {
        a = stage("A");
        b = stage("B");
    }

    @Test
    void aCardGoesRightAfterOrBeforeTheCardNamedOrToTheEnd() {
        var ids = new HashMap<String, String>();
        for (var title : List.of("1", "2", "3", "4")) {
            ids.put(title, admin.card(boardId, a, title).get("id").asString());
        }
        var x = admin.card(boardId, b, "x").get("id").asString();

        assertThat(admin.move(ids.get("4"), Map.of("stage_id", a, "after_card_id", ids.get("1"))).status()).isEqualTo(200);
        assertThat(admin.titles(boardId, a)).containsExactly("1", "4", "2", "3");
        assertThat(admin.move(ids.get("3"), Map.of("stage_id", a, "before_card_id", ids.get("1"))).status()).isEqualTo(200);
        assertThat(admin.titles(boardId, a)).containsExactly("3", "1", "4", "2");
        assertThat(admin.move(x, Map.of("stage_id", a, "after_card_id", ids.get("4"), "before_card_id", ids.get("2")))
                .status()).isEqualTo(200);
        assertThat(admin.titles(boardId, a)).containsExactly("3", "1", "4", "x", "2");
        assertThat(admin.move(ids.get("3"), Map.of("stage_id", b)).status()).isEqualTo(200);
        assertThat(admin.move(ids.get("1"), Map.of("stage_id", b)).status()).isEqualTo(200);
        assertThat(admin.titles(boardId, b)).containsExactly("3", "1");
        assertThat(admin.titles(boardId, a)).containsExactly("4", "x", "2");
    }

    @Test
    void neighboursMustBeCardsOfTheTargetStage() {
        var one = admin.card(boardId, a, "one").get("id").asString();
        var two = admin.card(boardId, b, "two").get("id").asString();

        var wrongStage = admin.move(one, Map.of("stage_id", a, "after_card_id", two));
        var itself = admin.move(one, Map.of("stage_id", a, "before_card_id", one));
        var otherBoard = admin.move(one, Map.of("stage_id", admin.defaultBoard().get("stages").get(0).get("id").asString()));

        assertThat(wrongStage.status()).isEqualTo(422);
        assertThat(wrongStage.json().get("errors").get(0).get("field").asString()).isEqualTo("after_card_id");
        assertThat(itself.status()).isEqualTo(422);
        assertThat(otherBoard.status()).isEqualTo(422);
        assertThat(otherBoard.json().get("errors").get(0).get("field").asString()).isEqualTo("stage_id");
    }

    @Test
    void aMoveRewritesOnlyTheMovedCardsRank() throws Exception {
        var first = admin.card(boardId, a, "first").get("id").asString();
        admin.card(boardId, a, "second");
        var third = admin.card(boardId, a, "third").get("id").asString();
        var before = ranks();

        admin.move(third, Map.of("stage_id", a, "after_card_id", first));

        var after = ranks();
        var changed = after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey()))).map(Map.Entry::getKey).toList();
        assertThat(changed).containsExactly(third);
        assertThat(admin.titles(boardId, a)).containsExactly("first", "third", "second");
    }

    @Test
    void thirtyConcurrentMovesLoseNothingDuplicateNothingAndKeepAStrictOrder() throws Exception {
        var anchors = new ArrayList<String>();
        for (var i = 0; i < 10; i++) {
            anchors.add(admin.card(boardId, b, "anchor-" + i).get("id").asString());
        }
        var movers = new ArrayList<String>();
        var titles = new HashMap<String, String>();
        for (var i = 0; i < 30; i++) {
            var card = admin.card(boardId, a, "mover-" + i).get("id").asString();
            movers.add(card);
            titles.put(card, "mover-" + i);
        }
        var random = new Random(7);
        var anchorOf = new HashMap<String, Integer>();
        movers.forEach(card -> anchorOf.put(card, random.nextInt(anchors.size())));

        var statuses = concurrently(movers, card -> admin.move(card,
                Map.of("stage_id", b, "after_card_id", anchors.get(anchorOf.get(card)))));

        assertThat(statuses).containsOnly(200);
        var order = admin.titles(boardId, b);
        assertThat(order).hasSize(40).doesNotHaveDuplicates();
        assertThat(admin.titles(boardId, a)).isEmpty();
        for (var card : movers) {
            var at = order.indexOf(titles.get(card));
            var anchor = anchorOf.get(card);
            assertThat(at).as("%s lands after anchor-%d", titles.get(card), anchor).isGreaterThan(order.indexOf("anchor-" + anchor));
            if (anchor + 1 < anchors.size()) {
                assertThat(at).as("%s lands before anchor-%d", titles.get(card), anchor + 1)
                        .isLessThan(order.indexOf("anchor-" + (anchor + 1)));
            }
        }
        assertStrictOrder(b, 40);
    }

    @Test
    void thirtyConcurrentShufflesOfTheSameCardsKeepEveryCardOnceInAStrictOrder() throws Exception {
        var cards = new ArrayList<String>();
        for (var i = 0; i < 12; i++) {
            cards.add(admin.card(boardId, i % 2 == 0 ? a : b, "card-" + i).get("id").asString());
        }
        var random = new Random(11);
        var moves = new ArrayList<Map<String, Object>>();
        for (var i = 0; i < 30; i++) {
            var card = cards.get(random.nextInt(cards.size()));
            var move = new HashMap<String, Object>();
            move.put("card", card);
            move.put("stage_id", random.nextBoolean() ? a : b);
            if (random.nextBoolean()) {
                move.put(random.nextBoolean() ? "after_card_id" : "before_card_id", cards.get(random.nextInt(cards.size())));
            }
            moves.add(move);
        }

        var statuses = concurrently(moves, move -> {
            var body = new HashMap<>(move);
            var card = (String) body.remove("card");
            return admin.move(card, body);
        });

        // a neighbour that moved away meanwhile (or is the card itself) is a 422; nothing else fails
        assertThat(statuses).allMatch(status -> status == 200 || status == 422);
        assertThat(statuses.stream().filter(status -> status == 200).count()).isGreaterThan(10);
        var all = new ArrayList<String>(admin.titles(boardId, a));
        all.addAll(admin.titles(boardId, b));
        assertThat(all).hasSize(12).doesNotHaveDuplicates();
        assertStrictOrder(a, -1);
        assertStrictOrder(b, -1);
    }

    @Test
    void aStageWhoseRanksGrewTooLongIsRerankedOnceKeepingItsOrder() throws Exception {
        var first = admin.card(boardId, a, "first").get("id").asString();
        var second = admin.card(boardId, a, "second").get("id").asString();
        admin.card(boardId, a, "third");
        var mover = admin.card(boardId, b, "mover").get("id").asString();
        var prefix = "a0" + "V".repeat(99);
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("update cards set rank = ? where id = ?::uuid")) {
            statement.setString(1, prefix + "1");
            statement.setString(2, first);
            statement.executeUpdate();
            statement.setString(1, prefix + "3");
            statement.setString(2, second);
            statement.executeUpdate();
        }

        var moved = admin.move(mover, Map.of("stage_id", a, "after_card_id", first));

        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(admin.titles(boardId, a)).containsExactly("first", "mover", "second", "third");
        assertThat(ranks().values()).allMatch(rank -> rank.length() <= 4);
        assertStrictOrder(a, 4);
    }

    private <T> List<Integer> concurrently(List<T> work, java.util.function.Function<T, TestHttp.Response> call)
            throws Exception {
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<Integer>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var item : work) {
                futures.add(pool.submit(() -> {
                    start.await();
                    var response = call.apply(item);
                    if (response.status() != 200 && response.status() != 422) {
                        System.err.println("unexpected " + response);
                    }
                    return response.status();
                }));
            }
            start.countDown();
        }
        var statuses = new ArrayList<Integer>();
        for (var future : futures) {
            statuses.add(future.get());
        }
        return statuses;
    }

    /** Ranks in the database are unique, and the API's order is their byte order. */
    private void assertStrictOrder(String stage, int expected) throws Exception {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement(
                        "select title, rank from cards where stage_id = ?::uuid order by rank collate \"C\"")) {
            statement.setString(1, stage);
            var titles = new ArrayList<String>();
            var ranks = new ArrayList<String>();
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    titles.add(rs.getString(1));
                    ranks.add(rs.getString(2));
                }
            }
            if (expected >= 0) {
                assertThat(ranks).hasSize(expected);
            }
            assertThat(new HashSet<>(ranks)).hasSameSizeAs(ranks);
            for (var i = 1; i < ranks.size(); i++) {
                assertThat(ranks.get(i - 1).compareTo(ranks.get(i))).isNegative();
            }
            assertThat(admin.titles(boardId, stage)).isEqualTo(titles);
        }
    }

    private Map<String, String> ranks() throws Exception {
        var owner = TestInfrastructure.owner();
        var ranks = new HashMap<String, String>();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("select id::text, rank from cards where board_id = ?::uuid")) {
            statement.setString(1, boardId);
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    ranks.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return ranks;
    }
}
