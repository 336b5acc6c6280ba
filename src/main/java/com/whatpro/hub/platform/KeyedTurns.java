package com.whatpro.hub.platform;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Work that runs one at a time per key on this node, callers of a key taking turns in the order they came. A key's
 * entry lives only while someone holds or waits for its turn, so the keys ever seen are not kept.
 */
public final class KeyedTurns<K> {

    private final ConcurrentHashMap<K, Turn> turns = new ConcurrentHashMap<>();

    /** The lock of one key, and how many hold it or wait for it (changed only in the map's compute). */
    private static final class Turn {
        private final ReentrantLock lock = new ReentrantLock(true);
        private int users;
    }

    /**
     * Runs {@code work} only when no other work of {@code key} runs or waits here; otherwise leaves it and answers
     * empty at once. For work one caller should not pile up (an export), where waiting would hold a thread each.
     */
    public <T> Optional<T> ifFree(K key, Supplier<T> work) {
        var mine = new Turn();
        mine.users = 1;
        if (turns.putIfAbsent(key, mine) != null) {
            return Optional.empty();
        }
        mine.lock.lock();
        try {
            return Optional.of(work.get());
        } finally {
            mine.lock.unlock();
            turns.compute(key, (k, current) -> --mine.users == 0 ? null : current);
        }
    }

    /** Runs {@code work} once no other work of {@code key} runs here, after those that were waiting already. */
    public <T> T inTurn(K key, Supplier<T> work) {
        var turn = turns.compute(key, (k, current) -> {
            var joined = current == null ? new Turn() : current;
            joined.users++;
            return joined;
        });
        turn.lock.lock();
        try {
            return work.get();
        } finally {
            turn.lock.unlock();
            turns.compute(key, (k, current) -> --turn.users == 0 ? null : current);
        }
    }
}
