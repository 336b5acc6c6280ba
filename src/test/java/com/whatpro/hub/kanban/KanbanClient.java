package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.TestHttp;

import tools.jackson.databind.JsonNode;

/** Kanban steps through the public API, as one member of one account. */
final class KanbanClient {

    final TestHttp http;
    final long account;
    final String base;

    KanbanClient(TestHttp http, String token, long account) {
        this.http = http.bearer(token);
        this.account = account;
        this.base = "/api/v1/accounts/" + account;
    }

    KanbanClient as(TestHttp raw, String token) {
        return new KanbanClient(raw, token, account);
    }

    /** The default board, which arrives shortly after the account is created. */
    JsonNode defaultBoard() {
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var boards = http.get(base + "/boards");
            assertThat(boards.status()).as(boards.body()).isEqualTo(200);
            for (var board : boards.json().get("items")) {
                if (board.get("is_default").asBoolean()) {
                    return board(board.get("id").asString());
                }
            }
            sleep(50);
        }
        throw new AssertionError("no default board for account " + account);
    }

    JsonNode board(String id) {
        var response = http.get(base + "/boards/" + id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    JsonNode createBoard(Map<String, ?> body) {
        var response = http.post(base + "/boards", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    /** A board with open stages A, B, C, a won stage W and a lost stage L. */
    JsonNode board(String name, Map<String, Object> extraB) {
        var b = new LinkedHashMap<String, Object>(Map.of("name", "B", "kind", "open"));
        b.putAll(extraB);
        return createBoard(Map.of("name", name, "stages", List.of(
                Map.of("name", "A"), b, Map.of("name", "C"), Map.of("name", "W", "kind", "won"),
                Map.of("name", "L", "kind", "lost"))));
    }

    static String stage(JsonNode board, String name) {
        for (var stage : board.get("stages")) {
            if (stage.get("name").asString().equals(name)) {
                return stage.get("id").asString();
            }
        }
        throw new AssertionError("no stage " + name);
    }

    static JsonNode stageNode(JsonNode board, String name) {
        for (var stage : board.get("stages")) {
            if (stage.get("name").asString().equals(name)) {
                return stage;
            }
        }
        throw new AssertionError("no stage " + name);
    }

    TestHttp.Response postCard(String board, Map<String, ?> body) {
        return http.post(base + "/boards/" + board + "/cards", body);
    }

    JsonNode card(String board, String stage, String title) {
        return card(board, Map.of("stage_id", stage, "title", title));
    }

    JsonNode card(String board, Map<String, ?> body) {
        var response = postCard(board, body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    JsonNode getCard(String id) {
        var response = http.get(base + "/cards/" + id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    TestHttp.Response move(String card, Map<String, ?> body) {
        return http.post(base + "/cards/" + card + "/move", body);
    }

    TestHttp.Response patch(String card, Map<String, ?> body) {
        return http.patch(base + "/cards/" + card, body);
    }

    /** Card titles of a stage in rank order, read through every page. */
    List<String> titles(String board, String stage) {
        var titles = new ArrayList<String>();
        String cursor = null;
        do {
            var response = http.get(base + "/boards/" + board + "/cards?limit=7&stage_id=" + stage
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            response.json().get("items").forEach(card -> titles.add(card.get("title").asString()));
            var next = response.json().get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return titles;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
