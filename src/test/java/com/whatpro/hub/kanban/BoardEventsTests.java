package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.whatpro.hub.TcpForwarder;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.WhatProHub;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/** Live board events: what a subscriber sees, heartbeats, resuming, and changes made on another node. */
class BoardEventsTests extends KanbanTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    DataSource dataSource;

    String events;

    @BeforeEach
    void setUp() {
        events = admin.base + "/boards/" + boardId + "/events";
    }

    SseClient subscribe() throws Exception {
        return SseClient.open(port, events, tenant.admin().token(), null);
    }

    @Test
    void aSubscriberSeesEveryCardChangeWithTheNewState() throws Exception {
        try (var stream = subscribe()) {
            assertThat(stream.contentType()).startsWith("text/event-stream");
            var card = admin.card(boardId, KanbanClient.stage(board, "A"), "Live card").get("id").asString();
            var created = stream.next("card.created", WAIT);
            admin.patch(card, Map.of("title", "Live card 2"));
            var updated = stream.next("card.updated", WAIT);
            admin.move(card, Map.of("stage_id", KanbanClient.stage(board, "B")));
            var moved = stream.next("card.moved", WAIT);
            admin.http.delete(admin.base + "/cards/" + card);
            var deleted = stream.next("card.deleted", WAIT);
            admin.http.post(admin.base + "/boards/" + boardId + "/stages", Map.of("name", "New stage"));
            var stage = stream.next("stage.created", WAIT);

            assertThat(created.json().get("card").get("title").asString()).isEqualTo("Live card");
            assertThat(created.id()).isNotBlank();
            assertThat(updated.json().get("card").get("title").asString()).isEqualTo("Live card 2");
            assertThat(updated.json().get("card").get("version").asLong()).isEqualTo(2);
            assertThat(moved.json().get("from_stage_id").asString()).isEqualTo(KanbanClient.stage(board, "A"));
            assertThat(moved.json().get("to_stage_id").asString()).isEqualTo(KanbanClient.stage(board, "B"));
            assertThat(moved.json().get("card").get("stage_id").asString()).isEqualTo(KanbanClient.stage(board, "B"));
            assertThat(deleted.json().get("card_id").asString()).isEqualTo(card);
            assertThat(stage.json().get("name").asString()).isEqualTo("New stage");
            assertThat(List.of(created.id(), updated.id(), moved.id(), deleted.id(), stage.id()))
                    .isSortedAccordingTo(BoardEventsTests::byStreamId).doesNotHaveDuplicates();
        }
    }

    @Test
    void aRolledBackChangeIsNeverAnnounced() throws Exception {
        var hard = admin.board("Hard live", Map.of("wip_limit", 1, "wip_mode", "hard"));
        var hardId = hard.get("id").asString();
        var b = KanbanClient.stage(hard, "B");
        admin.card(hardId, b, "Fills B");
        var hardEvents = admin.base + "/boards/" + hardId + "/events";
        try (var stream = SseClient.open(port, hardEvents, tenant.admin().token(), null)) {
            assertThat(admin.postCard(hardId, Map.of("stage_id", b, "title", "Refused")).status()).isEqualTo(409);
            admin.card(hardId, KanbanClient.stage(hard, "A"), "Accepted");

            var next = stream.next("card.created", WAIT);
            assertThat(next.json().get("card").get("title").asString()).isEqualTo("Accepted");
        }
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        try (var stream = subscribe()) {
            stream.comment("heartbeat", Duration.ofSeconds(5));
            stream.comment("heartbeat", Duration.ofSeconds(5));
        }
    }

    @Test
    void lastEventIdResumesWithWhatWasMissedAndATooOldOneAsksForAReload() throws Exception {
        var a = KanbanClient.stage(board, "A");
        String seen;
        try (var stream = subscribe()) {
            admin.card(boardId, a, "Seen");
            seen = stream.next("card.created", WAIT).id();
        }
        admin.card(boardId, a, "Missed 1");
        admin.card(boardId, a, "Missed 2");

        try (var resumed = SseClient.open(port, events, tenant.admin().token(), seen)) {
            var first = resumed.next("card.created", WAIT);
            var second = resumed.next("card.created", WAIT);
            admin.card(boardId, a, "Live again");
            var third = resumed.next("card.created", WAIT);

            assertThat(first.json().get("card").get("title").asString()).isEqualTo("Missed 1");
            assertThat(second.json().get("card").get("title").asString()).isEqualTo("Missed 2");
            assertThat(third.json().get("card").get("title").asString()).isEqualTo("Live again");
        }
        try (var tooOld = SseClient.open(port, events, tenant.admin().token(), "1-0")) {
            assertThat(tooOld.next(e -> true, WAIT).name()).isEqualTo("resync");
        }
    }

    @Test
    void aMoveMadeThroughAnotherNodeReachesThisNodesSubscribers() throws Exception {
        var card = admin.card(boardId, KanbanClient.stage(board, "A"), "Cross-node").get("id").asString();
        // as command-line arguments: they outrank application.yaml, which default properties would not
        var arguments = new ArrayList<String>();
        TestInfrastructure.properties().forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.add("--server.port=0");
        try (var other = new SpringApplicationBuilder(WhatProHub.class).run(arguments.toArray(String[]::new));
                var stream = subscribe()) {
            var otherPort = ((WebServerApplicationContext) other).getWebServer().getPort();
            assertThat(otherPort).isNotEqualTo(port);
            var otherNode = new KanbanClient(TestHttp.at(otherPort), tenant.admin().token(), tenant.id());

            var moved = otherNode.move(card, Map.of("stage_id", KanbanClient.stage(board, "C")));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            var event = stream.next("card.moved", WAIT);

            assertThat(event.json().get("card").get("id").asString()).isEqualTo(card);
            assertThat(event.json().get("to_stage_id").asString()).isEqualTo(KanbanClient.stage(board, "C"));

            try (var onOther = SseClient.open(otherPort, events, tenant.admin().token(), null)) {
                admin.patch(card, Map.of("title", "Seen over there"));
                assertThat(onOther.next("card.updated", WAIT).json().get("card").get("title").asString())
                        .isEqualTo("Seen over there");
            }
        }
    }

    @Test
    void aCardMoveWithRedisGoneAnswersAtOnceAndTheBoardsSubscribersAreToldToReload() throws Exception {
        var card = admin.card(boardId, KanbanClient.stage(board, "A"), "Through an outage").get("id").asString();
        var redis = java.net.URI.create(TestInfrastructure.redisUrl());
        var arguments = new ArrayList<String>();
        try (var line = new TcpForwarder(redis.getHost(), redis.getPort())) {
            TestInfrastructure.properties().forEach((key, value) -> arguments.add("--" + key + "="
                    + (key.equals("whatpro.redis.url") ? "redis://127.0.0.1:" + line.port() : value)));
            arguments.add("--server.port=0");
            try (var other = new SpringApplicationBuilder(WhatProHub.class).run(arguments.toArray(String[]::new));
                    var here = subscribe()) {
                var otherPort = ((WebServerApplicationContext) other).getWebServer().getPort();
                var otherNode = new KanbanClient(TestHttp.at(otherPort), tenant.admin().token(), tenant.id());
                try (var there = SseClient.open(otherPort, events, tenant.admin().token(), null)) {
                    assertThat(otherNode.move(card, Map.of("stage_id", KanbanClient.stage(board, "B"))).status())
                            .isEqualTo(200);
                    there.next("card.moved", WAIT);
                    here.next("card.moved", WAIT);

                    line.cut();
                    var started = System.nanoTime();
                    var moved = otherNode.move(card, Map.of("stage_id", KanbanClient.stage(board, "C")));
                    var took = Duration.ofNanos(System.nanoTime() - started);

                    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
                    assertThat(took).as("a card move while Redis is unreachable").isLessThan(Duration.ofMillis(500));
                    assertThat(there.next(e -> true, WAIT).name()).as("the node's own subscribers reload at once")
                            .isEqualTo("resync");

                    line.restore();
                    assertThat(here.next(e -> true, Duration.ofSeconds(40)).name())
                            .as("subscribers on other nodes reload once Redis is back").isEqualTo("resync");
                    assertThat(admin.http.get(admin.base + "/cards/" + card).json().get("stage_id").asString())
                            .isEqualTo(KanbanClient.stage(board, "C"));
                }
            }
        }
    }

    @Test
    void openStreamsHoldNoDatabaseConnection() throws Exception {
        var pool = dataSource.unwrap(HikariDataSource.class);
        var streams = new ArrayList<SseClient>();
        try {
            for (var i = 0; i < pool.getMaximumPoolSize() + 5; i++) {
                streams.add(subscribe());
            }
            // more streams than connections are open: if they held any, the pool could never drain;
            // background workers may hold one for a moment, so wait for it to drain
            var deadline = System.nanoTime() + java.time.Duration.ofSeconds(3).toNanos();
            while (pool.getHikariPoolMXBean().getActiveConnections() > 0 && System.nanoTime() < deadline) {
                KanbanClient.sleep(20);
            }
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
            var card = admin.card(boardId, KanbanClient.stage(board, "A"), "Still served");
            assertThat(card.get("title").asString()).isEqualTo("Still served");
            for (var stream : streams) {
                assertThat(stream.next("card.created", WAIT).json().get("card").get("title").asString())
                        .isEqualTo("Still served");
            }
        } finally {
            streams.forEach(SseClient::close);
        }
    }

    @Test
    void deletingTheBoardEndsItsStreams() throws Exception {
        try (var stream = subscribe()) {
            assertThat(admin.http.delete(admin.base + "/boards/" + boardId).status()).isEqualTo(204);
            stream.next("board.deleted", WAIT);
            stream.ended(WAIT);
        }
    }

    @Test
    void membersSubscribeButKeysNeedTheCardScopeToo() throws Exception {
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        try (var stream = SseClient.open(port, events, agent.token(), null)) {
            admin.card(boardId, KanbanClient.stage(board, "A"), "For the agent");
            assertThat(stream.next("card.created", WAIT).json().get("card").get("title").asString()).isEqualTo("For the agent");
        }
        var boardsOnly = fixtures.apiKey(tenant.admin().token(), tenant.id(), "boards:read");
        assertThat(http().bearer(boardsOnly).get(events).status()).isEqualTo(403);
        assertThat(http().get(events).status()).isEqualTo(401);
    }

    private static int byStreamId(String left, String right) {
        var l = BoardStream.StreamId.parse(left);
        var r = BoardStream.StreamId.parse(right);
        return l.compareTo(r);
    }
}
