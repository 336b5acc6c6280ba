package com.whatpro.hub.automations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import tools.jackson.databind.JsonNode;

/** The steps of automation stories, through the public API as one admin of one account. */
final class Story {

    final TestHttp http;
    final long account;
    final String base;

    Story(TestHttp http, String token, long account) {
        this.http = http.bearer(token);
        this.account = account;
        this.base = "/api/v1/accounts/" + account;
    }

    JsonNode defaultBoard() {
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (var board : http.get(base + "/boards").json().get("items")) {
                if (board.get("is_default").asBoolean()) {
                    return http.get(base + "/boards/" + board.get("id").asString()).json();
                }
            }
            pause(50);
        }
        throw new AssertionError("no default board");
    }

    static String stage(JsonNode board, String name) {
        for (var stage : board.get("stages")) {
            if (stage.get("name").asString().equals(name)) {
                return stage.get("id").asString();
            }
        }
        throw new AssertionError("no stage " + name);
    }

    String rule(Map<String, ?> body) {
        var response = http.post(base + "/automations", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    String card(JsonNode board, String stage, Map<String, ?> extra) {
        var body = new java.util.LinkedHashMap<String, Object>(Map.of("stage_id", stage(board, stage), "title",
                "Deal " + System.nanoTime()));
        body.putAll(extra);
        var response = http.post(base + "/boards/" + board.get("id").asString() + "/cards", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    TestHttp.Response move(String card, String stageId) {
        return http.post(base + "/cards/" + card + "/move", Map.of("stage_id", stageId));
    }

    JsonNode cardOf(String card) {
        return http.get(base + "/cards/" + card).json();
    }

    List<JsonNode> runs(String rule) {
        var response = http.get(base + "/automations/" + rule + "/runs?limit=200");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var list = new java.util.ArrayList<JsonNode>();
        response.json().get("items").forEach(list::add);
        return list;
    }

    List<JsonNode> finishedRuns(String rule) {
        return runs(rule).stream().filter(run -> !run.get("status").asString().equals("pending")).toList();
    }

    static boolean loopStopped(JsonNode run) {
        return run.get("status").asString().equals("loop_stopped");
    }

    static void until(String what, BooleanSupplier condition) {
        var end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            pause(50);
        }
    }

    /**
     * Waits until none of the account's automation work is left: every event a change recorded is turned into its runs,
     * and no run is due or in a worker's hands. A run records the events its own actions trigger before it is marked
     * finished, so a chain shows as work left until its last run is over: a check afterwards that nothing more
     * happened means something.
     */
    void settled() {
        until("the automation work of account " + account + " is done", () -> "0".equals(value("""
                select (select count(*) from automation_events where account_id = %1$d)
                     + (select count(*) from automation_runs where account_id = %1$d and status = 'pending'
                          and (claim_token is not null or next_attempt_at <= now()))""".formatted(account))));
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row a query answers, as the owner of the test database. */
    static String value(String query) {
        try {
            return TestInfrastructure.owner().value(query);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL as the owner of the test database, past row-level security, to set a story's clock back. */
    static void sql(String statement) {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var run = connection.createStatement()) {
            run.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
