package com.whatpro.hub.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A small in-memory cache whose entries live for a fixed time, for look-ups on hot paths (webhook intake) where a
 * few seconds of staleness across nodes is acceptable. Absent results are cached too, so a flood of requests for an
 * unknown key reaches the database once per key. Found and absent results are kept apart, each bounded on its own
 * with Caffeine's size eviction (which keeps the entries in use): a flood of unknown keys can only push out other
 * unknown keys, never a value that exists.
 */
public final class ExpiringCache<K, V> {

    private final boolean enabled;
    private final Cache<K, V> found;
    private final Cache<K, Boolean> absent;

    /** Found and absent results alike live for {@code ttl}, at most {@code maxEntries} of each. */
    public ExpiringCache(Duration ttl, int maxEntries, Clock clock) {
        this(ttl, maxEntries, ttl, maxEntries, clock);
    }

    /**
     * @param ttl how long a found value is trusted; zero turns caching off
     * @param maxEntries the most found values kept
     * @param absentTtl how long an absent result is trusted
     * @param maxAbsent the most absent results kept
     */
    public ExpiringCache(Duration ttl, int maxEntries, Duration absentTtl, int maxAbsent, Clock clock) {
        this.enabled = !ttl.isZero();
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.found = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(ttl).maximumSize(maxEntries)
                .executor(Runnable::run).build();
        this.absent = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(absentTtl).maximumSize(maxAbsent)
                .executor(Runnable::run).build();
    }

    /** The cached value, or what {@code load} finds now (then cached); a zero TTL turns caching off. */
    public Optional<V> get(K key, Function<K, Optional<V>> load) {
        if (!enabled) {
            return load.apply(key);
        }
        var value = found.getIfPresent(key);
        if (value != null) {
            return Optional.of(value);
        }
        if (absent.getIfPresent(key) != null) {
            return Optional.empty();
        }
        var loaded = load.apply(key);
        loaded.ifPresentOrElse(fresh -> found.put(key, fresh), () -> absent.put(key, Boolean.TRUE));
        return loaded;
    }

    /** Remembers a value just learnt (e.g. just created), for the TTL. */
    public void put(K key, V value) {
        if (enabled) {
            absent.invalidate(key);
            found.put(key, value);
        }
    }

    public void evictIf(Predicate<K> which) {
        found.asMap().keySet().removeIf(which);
        absent.asMap().keySet().removeIf(which);
    }

    public void evict(K key) {
        found.invalidate(key);
        absent.invalidate(key);
    }

    public void clear() {
        found.invalidateAll();
        absent.invalidateAll();
    }
}
