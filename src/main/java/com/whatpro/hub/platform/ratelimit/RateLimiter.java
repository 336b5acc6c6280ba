package com.whatpro.hub.platform.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.platform.web.Degradation;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.LocalBucket;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.command.CommandListener;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets that every node shares through Redis. All the buckets a request is charged to
 * (its layers: IP, user or key, account) are decided by one Lua script in one round trip; each
 * bucket refills greedily (capacity tokens spread evenly over the period).
 *
 * <p>Policy when Redis cannot be reached: the node keeps serving and counts in local, in-memory
 * buckets with the same limits (so each node enforces them on its own: a client spread over N
 * nodes gets up to N times the limit). It says so once in the log and in readiness
 * ({@link Degradation}), probes Redis every couple of seconds and goes back to the shared
 * buckets as soon as Redis answers. A request never waits long for an absent Redis: commands
 * time out after {@value #TIMEOUT_MILLIS} ms and are refused at once while disconnected.
 */
public final class RateLimiter implements Degradation, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    static final long TIMEOUT_MILLIS = 500;
    private static final int LOCAL_BUCKETS_SWEEP_ABOVE = 10_000;
    private static final int LOCAL_BUCKETS_MAX = 200_000;
    private static final String SCRIPT = script();

    private final String keyPrefix;
    private final RedisClient client;
    private final ScheduledExecutorService probe;
    private final ConcurrentHashMap<String, LocalBucket> local = new ConcurrentHashMap<>();
    private final Object connecting = new Object();
    private volatile @Nullable Shared shared;
    private volatile boolean closed;

    /** The buckets in Redis over one connection, and the script's digest there. */
    private record Shared(StatefulRedisConnection<String, String> connection, String digest) {
    }

    /** One bucket a request is charged to: {@code key} at {@code rate}. */
    public record Layer(String key, Rate rate) {
    }

    private RateLimiter(String redisUrl, String keyPrefix, Duration probeEvery) {
        this.keyPrefix = keyPrefix;
        var uri = RedisURI.create(redisUrl);
        uri.setTimeout(Duration.ofMillis(TIMEOUT_MILLIS));
        this.client = RedisClient.create(uri);
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(TIMEOUT_MILLIS)))
                .build());
        this.probe = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("rate-limit-probe").factory());
        this.probe.scheduleWithFixedDelay(this::probe, probeEvery.toMillis(), probeEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connects to Redis now; if it does not answer, starts on local buckets and keeps trying. */
    public static RateLimiter start(String redisUrl, String keyPrefix, Duration probeEvery) {
        return start(redisUrl, keyPrefix, probeEvery, null);
    }

    /** As {@link #start(String, String, Duration)}, letting a test see every command sent to Redis. */
    static RateLimiter start(String redisUrl, String keyPrefix, Duration probeEvery, @Nullable CommandListener listener) {
        var limiter = new RateLimiter(redisUrl, keyPrefix, probeEvery);
        if (listener != null) {
            limiter.client.addListener(listener);
        }
        if (!limiter.connect()) {
            log.warn("Redis is unreachable: rate limits use local buckets on this node until it answers");
        }
        return limiter;
    }

    /** Takes one token from the bucket {@code key} of the given rate. */
    public Verdict consume(String key, Rate rate) {
        return consume(List.of(new Layer(key, rate))).getFirst();
    }

    /**
     * Takes one token from each layer in order, stopping at the first that refuses: the verdicts
     * of the layers consulted, the last one the refusal if there was one. One Redis round trip.
     */
    public List<Verdict> consume(List<Layer> layers) {
        if (layers.isEmpty()) {
            return List.of();
        }
        return charge(layers, 1);
    }

    /** Gives one token back (a failed login that turned out to be a good one). */
    public void refund(String key, Rate rate) {
        charge(List.of(new Layer(key, rate)), -1);
    }

    private List<Verdict> charge(List<Layer> layers, int cost) {
        var redis = shared;
        if (redis != null) {
            try {
                return remote(redis, layers, cost);
            } catch (RuntimeException e) {
                lost(redis, e);
            }
        }
        var verdicts = new ArrayList<Verdict>(layers.size());
        for (var layer : layers) {
            var bucket = localBucket(layer.key(), layer.rate());
            if (cost < 0) {
                bucket.addTokens(-cost);
                continue;
            }
            var verdict = Verdict.of(layer.rate(), bucket.tryConsumeAndReturnRemaining(cost));
            verdicts.add(verdict);
            if (!verdict.allowed()) {
                break;
            }
        }
        return verdicts;
    }

    private List<Verdict> remote(Shared redis, List<Layer> layers, int cost) {
        var keys = new String[layers.size()];
        var args = new String[1 + 3 * layers.size()];
        args[0] = Long.toString(System.currentTimeMillis());
        for (int i = 0; i < layers.size(); i++) {
            var layer = layers.get(i);
            keys[i] = redisKey(layer.key(), layer.rate());
            args[1 + 3 * i] = Long.toString(layer.rate().requests());
            args[2 + 3 * i] = Long.toString(layer.rate().per().toMillis());
            args[3 + 3 * i] = Integer.toString(cost);
        }
        List<Long> answer;
        try {
            answer = redis.connection().sync().evalsha(redis.digest(), ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            // Redis restarted or flushed its scripts: send the script itself, which loads it again
            answer = redis.connection().sync().eval(SCRIPT, ScriptOutputType.MULTI, keys, args);
        }
        var verdicts = new ArrayList<Verdict>(answer.size() / 4);
        for (int i = 0; i + 3 < answer.size(); i += 4) {
            verdicts.add(new Verdict(answer.get(i) == 1, layers.get(i / 4).rate(), answer.get(i + 1),
                    Duration.ofMillis(answer.get(i + 2)), Duration.ofMillis(answer.get(i + 3))));
        }
        return verdicts;
    }

    /** True while the buckets are the shared ones in Redis. */
    public boolean isShared() {
        return shared != null;
    }

    /**
     * Whether Redis answers a {@code PING} now, within the timeout; false at once while this node is on local buckets
     * (the probe connects again within a couple of seconds of Redis answering).
     */
    boolean redisAnswers() {
        var redis = shared;
        if (redis == null) {
            return false;
        }
        try {
            redis.connection().sync().ping();
            return true;
        } catch (RuntimeException e) {
            lost(redis, e);
            return false;
        }
    }

    @Override
    public String name() {
        return "rate_limits";
    }

    @Override
    public Optional<String> degraded() {
        return isShared() ? Optional.empty()
                : Optional.of("local buckets on this node: Redis is unreachable, so each node enforces the limits on its own");
    }

    private String redisKey(String key, Rate rate) {
        // the rate is part of the key, so a changed setting starts fresh buckets instead of
        // inheriting the old state; "tb" (token bucket hash) keeps them apart from the keys of
        // the earlier Bucket4j buckets, which held another format
        return keyPrefix + key + ":" + rate.id() + ":tb";
    }

    private static Bandwidth bandwidth(Rate rate) {
        return Bandwidth.builder().capacity(rate.requests()).refillGreedy(rate.requests(), rate.per()).build();
    }

    private LocalBucket localBucket(String key, Rate rate) {
        if (local.size() >= LOCAL_BUCKETS_MAX) {
            local.clear(); // a flood of distinct keys: forget them all rather than run out of memory
        }
        return local.computeIfAbsent(key + ":" + rate.id(), k -> Bucket.builder().addLimit(bandwidth(rate)).build());
    }

    private void lost(Shared failed, RuntimeException e) {
        synchronized (connecting) {
            if (shared != failed) {
                return;
            }
            shared = null;
            failed.connection().closeAsync();
        }
        log.warn("Redis stopped answering ({}): rate limits use local buckets on this node until it is back",
                e.toString());
    }

    private boolean connect() {
        synchronized (connecting) {
            if (closed) {
                return false;
            }
            if (shared != null) {
                return true;
            }
            StatefulRedisConnection<String, String> opened = null;
            try {
                opened = client.connect();
                shared = new Shared(opened, opened.sync().scriptLoad(SCRIPT));
                return true;
            } catch (RuntimeException e) {
                if (opened != null) {
                    opened.closeAsync();
                }
                return false;
            }
        }
    }

    private void probe() {
        try {
            if (shared == null) {
                if (connect()) {
                    log.info("Redis answers again: rate limits are shared by all nodes once more");
                }
            } else {
                redisAnswers();
            }
            sweepLocalBuckets();
        } catch (RuntimeException e) {
            log.debug("rate-limit probe failed", e);
        }
    }

    /** Drops local buckets that are full again: they hold nothing a new bucket would not. */
    private void sweepLocalBuckets() {
        if (local.size() < LOCAL_BUCKETS_SWEEP_ABOVE && shared == null) {
            return;
        }
        local.entrySet().removeIf(entry -> full(entry.getValue()));
    }

    private static boolean full(LocalBucket bucket) {
        var capacity = bucket.getConfiguration().getBandwidths()[0].getCapacity();
        return bucket.getAvailableTokens() >= capacity;
    }

    private static String script() {
        try (var in = RateLimiter.class.getResourceAsStream("buckets.lua")) {
            if (in == null) {
                throw new IllegalStateException("buckets.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        probe.shutdownNow();
        synchronized (connecting) {
            var open = shared;
            shared = null;
            if (open != null) {
                open.connection().close();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofMillis(200));
    }

}
