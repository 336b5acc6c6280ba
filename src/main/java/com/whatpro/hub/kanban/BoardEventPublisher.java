package com.whatpro.hub.kanban;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.PlatformSettings;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Sends committed board events to Redis off the request thread: a write hands its events to a bounded queue and
 * returns, and one virtual thread appends them, in order, to each board's capped stream and the shared channel.
 *
 * <p>An event that cannot be sent (Redis absent, or the queue full) is lost, and its board is remembered: its local
 * subscribers are told to resync at once, and as soon as Redis answers again a {@code resync} event goes into the
 * board's stream, so subscribers on every node, and clients resuming with {@code Last-Event-ID}, reload the board.
 * While a send has just failed, further events are counted lost without waiting for Redis again.
 */
@Component
class BoardEventPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BoardEventPublisher.class);
    static final String RESYNC = "resync";
    static final String RESYNC_DATA = "{\"reason\":\"some board events could not be delivered; reload the board\"}";
    private static final int QUEUE = 10_000;
    private static final int REMEMBERED_BOARDS = 100_000;
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Duration DRAIN_ON_STOP = Duration.ofSeconds(2);

    /** XADD to the capped stream, refresh its expiry, and PUBLISH "account|board|id|type|data". */
    private static final RedisScript<String> APPEND = RedisScript.of("""
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 't', ARGV[4], 'd', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PUBLISH', KEYS[2], ARGV[3] .. '|' .. id .. '|' .. ARGV[4] .. '|' .. ARGV[5])
            return id
            """, String.class);

    record Outgoing(AccountId account, UUID board, String type, String data) {
    }

    private final StringRedisTemplate redis;
    private final KanbanSettings.Events settings;
    private final String prefix;
    private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<UUID, AccountId> boardsWithLostEvents = new ConcurrentHashMap<>();
    private volatile BiConsumer<AccountId, UUID> lostListener = (account, board) -> { };
    private volatile long pausedUntilNanos = System.nanoTime();
    private volatile @Nullable Thread sender;
    private volatile boolean running;

    BoardEventPublisher(StringRedisTemplate redis, KanbanSettings settings, PlatformSettings platform) {
        this.redis = redis;
        this.settings = settings.events();
        this.prefix = platform.redis().keyPrefix();
    }

    /** The one channel all nodes listen on. */
    String channel() {
        return prefix + "kanban:board-events";
    }

    String streamKey(UUID board) {
        return prefix + "kanban:board:" + board + ":events";
    }

    /** Called with each board whose event was lost, on the thread that lost it. */
    void onLost(BiConsumer<AccountId, UUID> listener) {
        this.lostListener = listener;
    }

    /** Queues the events; never waits for Redis. */
    void send(List<Outgoing> events) {
        for (var event : events) {
            if (!queue.offer(event)) {
                lost(event, "the board event queue is full");
            }
        }
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                var event = queue.poll(200, TimeUnit.MILLISECONDS);
                if (event == null) {
                    announceResyncs();
                } else if (System.nanoTime() - pausedUntilNanos < 0) {
                    lost(event, "Redis did not answer just before");
                } else {
                    announceResyncs();
                    append(event);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Board event sender failed", e);
            }
        }
    }

    private void append(Outgoing event) {
        try {
            redis.execute(APPEND, List.of(streamKey(event.board()), channel()),
                    Integer.toString(settings.replay()), Long.toString(settings.retention().toMillis()),
                    event.account() + "|" + event.board(), event.type(), event.data());
        } catch (RuntimeException e) {
            pausedUntilNanos = System.nanoTime() + PAUSE_AFTER_FAILURE.toNanos();
            lost(event, e.toString());
        }
    }

    /** Tells every node's subscribers of the boards that lost events to reload, once Redis answers again. */
    private void announceResyncs() {
        if (boardsWithLostEvents.isEmpty() || System.nanoTime() - pausedUntilNanos < 0) {
            return;
        }
        for (var lost : Map.copyOf(boardsWithLostEvents).entrySet()) {
            try {
                redis.execute(APPEND, List.of(streamKey(lost.getKey()), channel()),
                        Integer.toString(settings.replay()), Long.toString(settings.retention().toMillis()),
                        lost.getValue() + "|" + lost.getKey(), RESYNC, RESYNC_DATA);
                boardsWithLostEvents.remove(lost.getKey());
            } catch (RuntimeException e) {
                pausedUntilNanos = System.nanoTime() + PAUSE_AFTER_FAILURE.toNanos();
                return;
            }
        }
        log.info("Board events flow again; the boards that missed some were told to resync");
    }

    private void lost(Outgoing event, String why) {
        if (boardsWithLostEvents.isEmpty()) {
            log.warn("Could not publish {} of board {} ({}); its subscribers will be told to resync", event.type(),
                    event.board(), why);
        }
        if (boardsWithLostEvents.size() < REMEMBERED_BOARDS) {
            boardsWithLostEvents.put(event.board(), event.account());
        }
        lostListener.accept(event.account(), event.board());
    }

    boolean idle() {
        return queue.isEmpty() && boardsWithLostEvents.isEmpty();
    }

    @Override
    public void start() {
        running = true;
        sender = Thread.ofVirtual().name("board-events-sender").start(this::drain);
    }

    /** Sends what is queued for a short while, then gives up. */
    @Override
    public void stop() {
        running = false;
        var thread = sender;
        if (thread != null) {
            try {
                if (!thread.join(DRAIN_ON_STOP)) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
