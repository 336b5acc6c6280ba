package com.whatpro.hub.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.whatpro.hub.TcpForwarder;
import com.whatpro.hub.TestInfrastructure;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

import org.junit.jupiter.api.Test;

/**
 * The limiter against the test Redis: shared buckets, and what happens when Redis goes away
 * and comes back (through a TCP forwarder the test can cut).
 */
class RateLimiterTest {

    private static final Rate THREE_PER_MINUTE = Rate.valueOf("3/1m");

    @Test
    void twoLimitersOnOneRedisShareTheirBuckets() {
        var prefix = "test-" + UUID.randomUUID() + ":";
        try (var one = RateLimiter.start(TestInfrastructure.redisUrl(), prefix, Duration.ofSeconds(1));
                var two = RateLimiter.start(TestInfrastructure.redisUrl(), prefix, Duration.ofSeconds(1))) {
            assertThat(one.consume("ip:a", THREE_PER_MINUTE).remaining()).isEqualTo(2);
            assertThat(two.consume("ip:a", THREE_PER_MINUTE).remaining()).isEqualTo(1);
            assertThat(one.consume("ip:a", THREE_PER_MINUTE).allowed()).isTrue();

            var refused = two.consume("ip:a", THREE_PER_MINUTE);
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.retryAfterSeconds()).isBetween(1L, 20L);
            assertThat(refused.limit()).isEqualTo(3);
            assertThat(one.isShared()).isTrue();
            assertThat(one.degraded()).isEmpty();
        }
    }

    @Test
    void allTheLayersOfARequestAreDecidedInOneRoundTrip() {
        var commands = new CopyOnWriteArrayList<String>();
        CommandListener recorder = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommand().getType().toString());
            }
        };
        try (var limiter = RateLimiter.start(TestInfrastructure.redisUrl(), "test-" + UUID.randomUUID() + ":",
                Duration.ofMinutes(1), recorder)) {
            commands.clear(); // connecting loaded the script
            var layers = List.of(new RateLimiter.Layer("user:u1:admin", THREE_PER_MINUTE),
                    new RateLimiter.Layer("account:7", Rate.valueOf("2/1m")));

            var first = limiter.consume(layers);
            assertThat(commands).as("one command to Redis for both buckets").containsExactly("EVALSHA");
            assertThat(first).extracting(Verdict::allowed).containsExactly(true, true);
            assertThat(first).extracting(Verdict::remaining).containsExactly(2L, 1L);

            limiter.consume(layers);
            var third = limiter.consume(layers);
            assertThat(commands).hasSize(3);
            assertThat(third).as("the account refuses; the user's bucket was charged first")
                    .extracting(Verdict::allowed).containsExactly(true, false);
            assertThat(third.get(1).retryAfterSeconds()).isBetween(1L, 30L);

            var fourth = limiter.consume(layers);
            assertThat(fourth).as("the user's bucket refuses first; the account is not charged")
                    .extracting(Verdict::allowed).containsExactly(false);
            assertThat(limiter.consume("account:7", Rate.valueOf("2/1m")).allowed()).isFalse();
        }
    }

    @Test
    void refundsGiveATokenBack() {
        try (var limiter = RateLimiter.start(TestInfrastructure.redisUrl(), "test-" + UUID.randomUUID() + ":",
                Duration.ofSeconds(1))) {
            limiter.consume("login:x", THREE_PER_MINUTE);
            limiter.consume("login:x", THREE_PER_MINUTE);
            limiter.refund("login:x", THREE_PER_MINUTE);

            assertThat(limiter.consume("login:x", THREE_PER_MINUTE).remaining()).isEqualTo(1);
        }
    }

    @Test
    void withoutRedisItServesFromLocalBucketsAndGoesBackWhenRedisReturns() throws Exception {
        var redis = URI.create(TestInfrastructure.redisUrl());
        try (var line = new TcpForwarder(redis.getHost(), redis.getPort());
                var limiter = RateLimiter.start("redis://127.0.0.1:" + line.port(), "test-" + UUID.randomUUID() + ":",
                        Duration.ofMillis(200))) {
            assertThat(limiter.consume("user:a", THREE_PER_MINUTE).allowed()).isTrue();
            assertThat(limiter.isShared()).isTrue();

            line.cut();
            var started = Instant.now();
            var during = limiter.consume("user:a", THREE_PER_MINUTE);

            assertThat(during.allowed()).as("a request is still served").isTrue();
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(2));
            assertThat(limiter.isShared()).isFalse();
            assertThat(limiter.degraded()).hasValueSatisfying(why -> assertThat(why).contains("local buckets"));
            // the local bucket has the same limit
            limiter.consume("user:a", THREE_PER_MINUTE);
            limiter.consume("user:a", THREE_PER_MINUTE);
            assertThat(limiter.consume("user:a", THREE_PER_MINUTE).allowed()).isFalse();

            line.restore();
            var deadline = Instant.now().plusSeconds(10);
            while (!limiter.isShared() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(limiter.isShared()).as("back on Redis").isTrue();
            assertThat(limiter.degraded()).isEmpty();
            assertThat(limiter.consume("user:a", THREE_PER_MINUTE).remaining()).as("the shared bucket again").isEqualTo(1);
        }
    }

    @Test
    void startsOnLocalBucketsWhenRedisIsAbsentFromTheStart() {
        try (var limiter = RateLimiter.start("redis://127.0.0.1:1", "test:", Duration.ofSeconds(5))) {
            assertThat(limiter.isShared()).isFalse();
            assertThat(limiter.consume("ip:b", THREE_PER_MINUTE).remaining()).isEqualTo(2);
        }
    }

    @Test
    void ratesReadTheWayTheSettingsWriteThem() {
        assertThat(Rate.valueOf("600/1m")).isEqualTo(Rate.of(600, Duration.ofMinutes(1)));
        assertThat(Rate.valueOf(" 5 / 15m ")).isEqualTo(Rate.of(5, Duration.ofMinutes(15)));
        assertThat(Rate.valueOf("10/PT1H").per()).isEqualTo(Duration.ofHours(1));
        assertThat(Rate.valueOf("5/15m")).hasToString("5/15m");
        assertThat(Rate.valueOf("100/3600s")).hasToString("100/1h");
        assertThatThrownBy(() -> Rate.valueOf("600 per minute")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.valueOf("0/1m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.valueOf("5/0s")).isInstanceOf(IllegalArgumentException.class);
    }
}
