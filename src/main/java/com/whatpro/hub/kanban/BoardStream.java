package com.whatpro.hub.kanban;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.identity.LiveAccess;
import com.whatpro.hub.kanban.BoardEventPublisher.Outgoing;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.web.EventStreams;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Live board events across nodes. A change is serialised inside its transaction and, once the
 * transaction commits, handed to the {@link BoardEventPublisher}, which appends it to the board's
 * capped stream in Redis (the replay buffer; the stream id is the SSE event id) and publishes it on
 * one channel that every node subscribes to. Each node hands an event to the local subscribers of
 * its board.
 *
 * <p>A subscriber is one SSE connection served by its own virtual thread that waits on a small
 * queue, sends what arrives and a heartbeat comment when nothing did. It holds neither a
 * database connection nor a tenant scope: the board was checked once, before it started. Its
 * caller's access is watched while it is open ({@link LiveAccess}): before sending anything it asks
 * whether the caller may still read the board's cards, and it ends as soon as they may not.
 */
@Component
class BoardStream implements MessageListener, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BoardStream.class);
    private static final Object PENDING = new Object();
    /** What a caller needs to go on receiving a board's events, which carry its cards. */
    static final Set<Permission> NEEDS = Set.of(Permission.BOARDS_READ, Permission.CARDS_READ);

    private final StringRedisTemplate redis;
    private final BoardEventPublisher publisher;
    private final JsonMapper json;
    private final KanbanSettings.Events settings;
    private final LiveAccess access;
    private final Map<UUID, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private volatile boolean running;

    BoardStream(StringRedisTemplate redis, BoardEventPublisher publisher, JsonMapper json, KanbanSettings settings,
            LiveAccess access) {
        this.redis = redis;
        this.publisher = publisher;
        this.json = json;
        this.settings = settings.events();
        this.access = access;
        publisher.onLost(this::resyncLocally);
    }

    /** The one channel all nodes listen on. */
    String channel() {
        return publisher.channel();
    }

    private String streamKey(UUID board) {
        return publisher.streamKey(board);
    }

    /** An event from the board's stream; a {@code null} id marks a resync this node tells its own subscribers. */
    record Event(AccountId account, UUID board, @Nullable String id, String type, String data) {
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Queues an event with the state as it is now; it goes out after the surrounding transaction
     * commits (at once when there is none), and never if the transaction rolls back.
     */
    void publish(AccountId account, UUID board, String type, Object state) {
        var outgoing = new Outgoing(account, board, type, json.writeValueAsString(state));
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            publisher.send(List.of(outgoing));
            return;
        }
        @SuppressWarnings("unchecked")
        var pending = (List<Outgoing>) TransactionSynchronizationManager.getResource(PENDING);
        if (pending == null) {
            var queued = new ArrayList<Outgoing>();
            TransactionSynchronizationManager.bindResource(PENDING, queued);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publisher.send(queued);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(PENDING);
                }
            });
            pending = queued;
        }
        pending.add(outgoing);
    }

    // ---------------------------------------------------------------- fan-out

    @Override
    public void onMessage(Message message, byte @Nullable [] pattern) {
        var event = parse(new String(message.getBody(), StandardCharsets.UTF_8));
        if (event == null) {
            return;
        }
        var local = subscribers.get(event.board());
        if (local != null) {
            local.forEach(subscriber -> subscriber.offer(event));
        }
    }

    private void resyncLocally(AccountId account, UUID board) {
        var local = subscribers.get(board);
        if (local != null) {
            var resync = new Event(account, board, null, BoardEventPublisher.RESYNC, BoardEventPublisher.RESYNC_DATA);
            local.forEach(subscriber -> subscriber.offer(resync));
        }
    }

    static @Nullable Event parse(String body) {
        var parts = body.split("\\|", 5);
        if (parts.length != 5) {
            return null;
        }
        try {
            return new Event(AccountId.of(Long.parseLong(parts[0])), UUID.fromString(parts[1]), parts[2], parts[3],
                    parts[4]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Opens a stream of one board's events for a caller already allowed to read the board, on the
     * request's thread; it lasts while the caller may read the board's cards.
     */
    SseEmitter subscribe(AccountAccess caller, UUID board, @Nullable String lastEventId) {
        var emitter = new SseEmitter(settings.connectionTimeout().toMillis());
        var subscriber = new Subscriber(caller, board, emitter, lastEventId);
        subscribers.computeIfAbsent(board, b -> ConcurrentHashMap.newKeySet()).add(subscriber);
        if (!EventStreams.greet(emitter)) {
            subscriber.close();
            return emitter;
        }
        emitter.onCompletion(subscriber::close);
        emitter.onTimeout(subscriber::close);
        emitter.onError(error -> subscriber.close());
        Thread.ofVirtual().name("board-events-" + board).start(subscriber::run);
        return emitter;
    }

    private void forget(Subscriber subscriber) {
        subscribers.computeIfPresent(subscriber.board, (board, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** One SSE connection. */
    private final class Subscriber {

        private final AccountId account;
        private final UUID board;
        private final SseEmitter emitter;
        private final @Nullable String lastEventId;
        private final BlockingQueue<Event> queue;
        /** Put on the queue (compared by identity) to have the caller's access looked at without an event. */
        private final Event wake;
        private final LiveAccess.Watch watch;
        private volatile boolean closed;
        private volatile @Nullable Thread thread;
        private @Nullable StreamId lastSent;

        Subscriber(AccountAccess caller, UUID board, SseEmitter emitter, @Nullable String lastEventId) {
            this.account = caller.account();
            this.board = board;
            this.emitter = emitter;
            this.lastEventId = lastEventId;
            this.queue = new ArrayBlockingQueue<>(settings.queue());
            this.wake = new Event(account, board, null, "", "");
            this.watch = access.watch(caller, NEEDS, this::wake);
        }

        /** Something may have ended the caller's access: look before the next event, even with none queued. */
        private void wake() {
            if (!closed) {
                // a full queue needs no marker: the next event is looked at anyway
                queue.offer(wake);
            }
        }

        void offer(Event event) {
            if (!event.account().equals(account) || closed) {
                return;
            }
            if (!queue.offer(event)) {
                // too slow a reader: drop the connection; the client resumes with Last-Event-ID
                log.info("Dropping a slow board event stream of board {}", board);
                close();
                emitter.complete();
            }
        }

        void close() {
            closed = true;
            watch.close();
            forget(this);
            var running = thread;
            if (running != null) {
                running.interrupt();
            }
        }

        void run() {
            thread = Thread.currentThread();
            try {
                if (!replay()) {
                    return;
                }
                var heartbeat = settings.heartbeat().toMillis();
                while (!closed) {
                    var event = queue.poll(heartbeat, TimeUnit.MILLISECONDS);
                    if (closed || !stillAllowed()) {
                        break;
                    }
                    if (event == null) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                    } else if (event != wake && deliver(event) && event.type().equals("board.deleted")) {
                        emitter.complete();
                        break;
                    }
                }
            } catch (InterruptedException e) {
                // closed
            } catch (IOException | IllegalStateException e) {
                // the client went away or the emitter is already complete
                emitter.completeWithError(e);
            } catch (RuntimeException e) {
                log.warn("Board event stream of board {} failed", board, e);
                emitter.completeWithError(e);
            } finally {
                closed = true;
                watch.close();
                forget(this);
            }
        }

        /** Whether the caller may still read the board's cards; if not, the stream ends here. */
        private boolean stillAllowed() {
            if (watch.allowed()) {
                return true;
            }
            emitter.complete();
            return false;
        }

        /**
         * Sends what the client missed since its Last-Event-ID, or tells it to reload when that is
         * gone; false when the stream ended instead, its caller no longer allowed.
         */
        private boolean replay() throws IOException {
            if (!stillAllowed()) {
                return false;
            }
            if (lastEventId == null || lastEventId.isBlank()) {
                return true;
            }
            var since = StreamId.parse(lastEventId.strip());
            var key = streamKey(board);
            var oldest = redis.opsForStream().range(key, Range.unbounded(), Limit.limit().count(1));
            var newest = redis.opsForStream().reverseRange(key, Range.unbounded(), Limit.limit().count(1));
            if (since == null || oldest == null || oldest.isEmpty() || newest == null || newest.isEmpty()
                    || since.compareTo(StreamId.parse(oldest.getFirst().getId().getValue())) < 0
                    || since.compareTo(StreamId.parse(newest.getFirst().getId().getValue())) > 0) {
                emitter.send(SseEmitter.event().name(BoardEventPublisher.RESYNC)
                        .data("{\"reason\":\"the events since Last-Event-ID are no longer kept; reload the board\"}"));
                return true;
            }
            lastSent = since;
            var missed = redis.opsForStream().range(key,
                    Range.rightUnbounded(Range.Bound.inclusive(lastEventId.strip())),
                    Limit.limit().count(settings.replay() + 1));
            for (MapRecord<String, Object, Object> record : missed == null ? List.<MapRecord<String, Object, Object>>of() : missed) {
                if (!stillAllowed()) {
                    return false;
                }
                var type = String.valueOf(record.getValue().get("t"));
                var data = String.valueOf(record.getValue().get("d"));
                deliver(new Event(account, board, record.getId().getValue(), type, data));
            }
            return true;
        }

        /** Sends an event unless it was sent already (a replayed one may also arrive live). */
        private boolean deliver(Event event) throws IOException {
            if (event.id() == null) {
                emitter.send(SseEmitter.event().name(event.type()).data(event.data()));
                return true;
            }
            var id = StreamId.parse(event.id());
            if (id != null && lastSent != null && id.compareTo(lastSent) <= 0) {
                return false;
            }
            emitter.send(SseEmitter.event().id(event.id()).name(event.type()).data(event.data()));
            if (id != null) {
                lastSent = id;
            }
            return true;
        }
    }

    /** A Redis stream id, {@code millis-sequence}, ordered numerically. */
    record StreamId(long millis, long sequence) implements Comparable<StreamId> {

        static @Nullable StreamId parse(String value) {
            var dash = value.indexOf('-');
            try {
                return dash < 0 ? new StreamId(Long.parseLong(value), 0)
                        : new StreamId(Long.parseLong(value.substring(0, dash)), Long.parseLong(value.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public int compareTo(StreamId other) {
            var byMillis = Long.compare(millis, other.millis);
            return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        running = true;
    }

    /** Ends every open stream before the web server's graceful shutdown waits for requests. */
    @Override
    public void stop() {
        running = false;
        subscribers.values().forEach(set -> set.forEach(subscriber -> {
            subscriber.close();
            try {
                subscriber.emitter.complete();
            } catch (RuntimeException e) {
                // already gone
            }
        }));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
