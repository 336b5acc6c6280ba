package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.RedisSentinels;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.kanban.SseClient;
import com.whatpro.hub.platform.ratelimit.RateLimiter;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service on Redis Sentinel ({@code WHATPRO_REDIS_URL=redis-sentinel://…}): a primary, a replica and three
 * Sentinels made of this machine's redis-server and redis-sentinel. The primary is killed while the service serves;
 * once the Sentinels have promoted the replica, rate limits are shared through Redis again, board events reach a
 * subscriber that stayed connected, and worker wake-ups travel both ways. CI installs redis-sentinel (.ci/run);
 * elsewhere, without it, the test is skipped and says so.
 */
class SentinelFailoverTests {

    static final Duration RECOVERY = Duration.ofSeconds(60);
    static final String PREFIX = "sentinel-" + System.nanoTime() + ":";

    static RedisSentinels redis;
    static SecondNode node;

    @BeforeAll
    static void start() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(RedisSentinels.installed()).as("CI runs the Sentinel failover test: .ci/run installs "
                    + "redis-server and redis-sentinel").isTrue();
        }
        Assumptions.assumeTrue(RedisSentinels.installed(),
                "redis-server and redis-sentinel are not installed here (Debian: apt-get install redis-server "
                        + "redis-sentinel; .ci/run installs them), so the Sentinel failover test is skipped");
        redis = RedisSentinels.start();
        node = SecondNode.start("--whatpro.redis.url=" + redis.url(), "--whatpro.redis.key-prefix=" + PREFIX);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void rateLimitsBoardEventsAndWakeUpsCarryOnWhenThePrimaryDies() throws Exception {
        var http = node.http();
        var fixtures = new Fixtures(http);
        var tenant = fixtures.tenant("Sentinel Co");
        var admin = http.bearer(tenant.admin().token());
        var base = "/api/v1/accounts/" + tenant.id();
        var board = admin.post(base + "/boards", Map.of("name", "Failover", "stages",
                List.of(Map.of("name", "A"), Map.of("name", "B"))));
        assertThat(board.status()).as(board.body()).isEqualTo(201);
        var boardId = board.json().get("id").asString();
        var stage = board.json().get("stages").get(0).get("id").asString();
        var wakeups = node.bean(Wakeups.class);
        var woken = new LinkedBlockingQueue<Boolean>();
        wakeups.onWake(() -> woken.add(true));
        var limiter = node.bean(RateLimiter.class);

        try (var events = SseClient.open(port(), base + "/boards/" + boardId + "/events", tenant.admin().token(),
                null)) {
            assertThat(limiter.isShared()).as("rate limits in Redis through the Sentinels").isTrue();
            allWorks(admin, base, boardId, stage, events, wakeups, woken, redis.primaryPort(), "before");

            redis.killPrimary();
            RedisSentinels.poll(RECOVERY, () -> redis.currentPrimaryPort() == redis.replicaPort(),
                    "the Sentinels to promote the replica");

            allWorks(admin, base, boardId, stage, events, wakeups, woken, redis.replicaPort(), "after");
        }
    }

    private static void allWorks(com.whatpro.hub.TestHttp admin, String base, String boardId, String stage,
            SseClient events, Wakeups wakeups, LinkedBlockingQueue<Boolean> woken, int primary, String when) throws Exception {
        var limiter = node.bean(RateLimiter.class);
        try (var direct = RedisSentinels.direct(primary); var connection = direct.connect()) {
            var buckets = PREFIX + "rl:*";
            var last = new StringBuilder();
            RedisSentinels.poll(RECOVERY, () -> {
                last.setLength(0);
                var old = connection.sync().keys(buckets);
                if (!old.isEmpty()) {
                    connection.sync().del(old.toArray(String[]::new));
                }
                var answer = admin.get(base + "/boards");
                var counted = connection.sync().keys(buckets);
                last.append(answer.status()).append(", shared: ").append(limiter.isShared()).append(", buckets: ")
                        .append(counted);
                return answer.status() == 200 && limiter.isShared() && !counted.isEmpty();
            }, () -> "rate limits to be counted in the primary on port " + primary + " " + when + " the failover ("
                    + last + ")");
        }

        var title = "Card " + when;
        RedisSentinels.poll(RECOVERY, () -> {
            var card = admin.post(base + "/boards/" + boardId + "/cards", Map.of("stage_id", stage, "title", title));
            if (card.status() != 201) {
                throw new AssertionError(card.toString());
            }
            try {
                var event = events.next(e -> e.name().equals("card.created")
                        && e.json().get("card").get("title").asString().equals(title), Duration.ofSeconds(2));
                return event != null;
            } catch (AssertionError | InterruptedException e) {
                return false;
            }
        }, "a board event to reach the subscriber " + when + " the failover");

        var sentinelUri = RedisURI.create(redis.url());
        try (var client = RedisClient.create(sentinelUri); var subscription = client.connectPubSub();
                var publisher = client.connect()) {
            var heard = new LinkedBlockingQueue<String>();
            subscription.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    heard.add(message);
                }
            });
            var channel = PREFIX + "gateway:wake";
            subscription.sync().subscribe(channel);
            RedisSentinels.poll(RECOVERY, () -> {
                heard.clear();
                wakeups.signal();
                try {
                    return heard.poll(1, TimeUnit.SECONDS) != null;
                } catch (InterruptedException e) {
                    return false;
                }
            }, "this node's wake-up to reach Redis " + when + " the failover");
            RedisSentinels.poll(RECOVERY, () -> {
                woken.clear();
                publisher.sync().publish(channel, "another-node");
                try {
                    return woken.poll(1, TimeUnit.SECONDS) != null;
                } catch (InterruptedException e) {
                    return false;
                }
            }, "another node's wake-up to reach this node's workers " + when + " the failover");
        }
    }

    private static int port() {
        return node.port();
    }
}
