package com.whatpro.hub.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A small in-memory cache whose entries live for a fixed time, for look-ups on hot paths (webhook intake) where a
 * few seconds of staleness across nodes is acceptable. Absent results are cached too, so a flood of requests for an
 * unknown key does not reach the database each time. Bounded: when full, it is cleared.
 */
public final class ExpiringCache<K, V> {

    private record Entry<V>(Optional<V> value, Instant expiresAt) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;

    public ExpiringCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The cached value, or what {@code load} finds now (then cached); a zero TTL turns caching off. */
    public Optional<V> get(K key, Function<K, Optional<V>> load) {
        if (ttl.isZero()) {
            return load.apply(key);
        }
        var now = clock.instant();
        var entry = entries.get(key);
        if (entry != null && entry.expiresAt().isAfter(now)) {
            return entry.value();
        }
        var value = load.apply(key);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now.plus(ttl)));
        return value;
    }

    /** Remembers a value just learnt (e.g. just created), for the TTL. */
    public void put(K key, V value) {
        if (!ttl.isZero()) {
            entries.put(key, new Entry<>(Optional.of(value), clock.instant().plus(ttl)));
        }
    }

    public void evictIf(java.util.function.Predicate<K> which) {
        entries.keySet().removeIf(which);
    }

    public void evict(K key) {
        entries.remove(key);
    }

    public void clear() {
        entries.clear();
    }
}
