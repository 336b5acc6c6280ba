package com.whatpro.hub.platform.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.platform.web.Degradation;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets that every node shares through Redis (Bucket4j, compare-and-swap on Lettuce).
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
    private static final int REMOTE_PROXIES_MAX = 100_000;

    private final String keyPrefix;
    private final RedisClient client;
    private final ScheduledExecutorService probe;
    private final ConcurrentHashMap<Rate, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LocalBucket> local = new ConcurrentHashMap<>();
    private final Object connecting = new Object();
    private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;
    private volatile @Nullable Shared shared;

    /** The buckets in Redis over one connection, and the proxies this node keeps for them. */
    private record Shared(ProxyManager<String> proxies, ConcurrentHashMap<String, BucketProxy> buckets) {
    }
    private volatile boolean closed;

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
        var limiter = new RateLimiter(redisUrl, keyPrefix, probeEvery);
        if (!limiter.connect()) {
            log.warn("Redis is unreachable: rate limits use local buckets on this node until it answers");
        }
        return limiter;
    }

    /** Takes one token from the bucket {@code key} of the given rate. */
    public Verdict consume(String key, Rate rate) {
        var redis = shared;
        if (redis != null) {
            try {
                return Verdict.of(rate, remoteBucket(redis, key, rate).tryConsumeAndReturnRemaining(1));
            } catch (RuntimeException e) {
                lost(redis, e);
            }
        }
        return Verdict.of(rate, localBucket(key, rate).tryConsumeAndReturnRemaining(1));
    }

    /** Gives one token back (a failed login that turned out to be a good one). */
    public void refund(String key, Rate rate) {
        var redis = shared;
        if (redis != null) {
            try {
                remoteBucket(redis, key, rate).addTokens(1);
                return;
            } catch (RuntimeException e) {
                lost(redis, e);
            }
        }
        localBucket(key, rate).addTokens(1);
    }

    /**
     * One proxy per bucket and node, kept, with Bucket4j's batching: requests for the same bucket
     * that arrive while one is on its way to Redis travel together in the next command, so a hot
     * bucket (a busy account) costs one round trip per batch instead of compare-and-swap retries.
     */
    private BucketProxy remoteBucket(Shared redis, String key, Rate rate) {
        var redisKey = redisKey(key, rate);
        var bucket = redis.buckets().get(redisKey);
        if (bucket != null) {
            return bucket;
        }
        if (redis.buckets().size() >= REMOTE_PROXIES_MAX) {
            redis.buckets().clear();
        }
        return redis.buckets().computeIfAbsent(redisKey, k -> redis.proxies().builder()
                .withOptimization(Optimizations.batching()).build(k, () -> configuration(rate)));
    }

    /** True while the buckets are the shared ones in Redis. */
    public boolean isShared() {
        return shared != null;
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
        // inheriting the old configuration stored with the old ones
        return keyPrefix + key + ":" + rate.id();
    }

    private BucketConfiguration configuration(Rate rate) {
        return configurations.computeIfAbsent(rate, r -> BucketConfiguration.builder().addLimit(bandwidth(r)).build());
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
            var old = connection;
            connection = null;
            if (old != null) {
                old.closeAsync();
            }
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
            try {
                var opened = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                connection = opened;
                shared = new Shared(Bucket4jLettuce.casBasedBuilder(opened)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy
                                .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                        .build(), new ConcurrentHashMap<>());
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    private void probe() {
        try {
            var open = connection;
            if (open == null) {
                if (connect()) {
                    log.info("Redis answers again: rate limits are shared by all nodes once more");
                }
            } else {
                try {
                    open.sync().ping();
                } catch (RuntimeException e) {
                    var current = shared;
                    if (current != null) {
                        lost(current, e);
                    }
                }
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

    @Override
    public void close() {
        closed = true;
        probe.shutdownNow();
        synchronized (connecting) {
            shared = null;
            var open = connection;
            connection = null;
            if (open != null) {
                open.close();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofMillis(200));
    }

}
