package com.whatpro.hub.providers;

import com.whatpro.hub.identity.LiveAccess;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.redis.RedisBroadcast;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.web.EventStreams;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Live {@code connection.updated} events of each number, across nodes, as kanban's board stream does it: a change is
 * handed, after its transaction commits, to this node's subscribers at once and to the other nodes through a
 * {@link RedisBroadcast}. A request never waits for Redis; when Redis is away the
 * other nodes' subscribers miss the event and see the state on their next read (every stream starts with it). A
 * change is published once, with its codes; a subscriber who may not see them gets each event without them. Each
 * subscriber's caller is watched while the stream is open ({@link LiveAccess}): it ends as soon as the caller may no
 * longer read the number, or no longer see the codes it was opened with.
 */
@Component
class ConnectionStream implements SmartLifecycle {

    static final String EVENT = "connection.updated";
    private static final Logger log = LoggerFactory.getLogger(ConnectionStream.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    /** What a caller needs to go on receiving a number's connection, without its codes and with them. */
    private static final Set<Permission> NUMBER = Set.of(Permission.PROVIDERS_READ);
    private static final Set<Permission> CODES = Set.of(Permission.PROVIDERS_READ, Permission.PROVIDERS_WRITE);

    private final RedisBroadcast channel;
    private final JsonMapper json;
    private final LiveAccess access;
    private final Map<UUID, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();

    ConnectionStream(StringRedisTemplate redis, RedisConnectionFactory connections, PlatformSettings settings,
            JsonMapper json, LiveAccess access) {
        this.json = json;
        this.access = access;
        this.channel = new RedisBroadcast(redis, connections, settings.redis().keyPrefix() + "providers:connection",
                "connection-events", this::received);
    }

    /** Sends the number's connection (as JSON) to its subscribers on every node once the transaction commits. */
    void publish(AccountId account, UUID provider, String connectionJson) {
        Runnable send = () -> {
            deliver(account, provider, connectionJson);
            if (!channel.send(account.value() + "|" + provider + "|" + connectionJson)) {
                log.warn("Connection events queue is full; other nodes miss an update of provider {}", provider);
            }
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send.run();
                }
            });
        } else {
            send.run();
        }
    }

    /** An update another node published. */
    private void received(String message) {
        var parts = message.split("\\|", 3);
        if (parts.length != 3) {
            return;
        }
        try {
            deliver(AccountId.of(Long.parseLong(parts[0])), UUID.fromString(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            // not one of ours
        }
    }

    private void deliver(AccountId account, UUID provider, String data) {
        var local = subscribers.get(provider);
        if (local != null) {
            local.forEach(subscriber -> subscriber.offer(account, data));
        }
    }

    /**
     * Opens a stream of one number's connection for a caller already allowed to read it, starting with its state now,
     * on the request's thread. It lasts while the caller may read the number and, if it carries the codes, see them.
     *
     * @param seesCodes whether the caller may see the QR and pairing codes; if not, each event goes without them
     */
    SseEmitter subscribe(AccountAccess caller, UUID provider, String currentJson, boolean seesCodes) {
        var emitter = new SseEmitter(TIMEOUT.toMillis());
        var subscriber = new Subscriber(caller, provider, emitter, seesCodes);
        subscribers.computeIfAbsent(provider, p -> ConcurrentHashMap.newKeySet()).add(subscriber);
        if (!EventStreams.greet(emitter, SseEmitter.event().name(EVENT).data(currentJson))) {
            subscriber.close();
            return emitter;
        }
        emitter.onCompletion(subscriber::close);
        emitter.onTimeout(subscriber::close);
        emitter.onError(error -> subscriber.close());
        Thread.ofVirtual().name("connection-events-" + provider).start(subscriber::run);
        return emitter;
    }

    private final class Subscriber {

        private final AccountId account;
        private final UUID provider;
        private final SseEmitter emitter;
        private final boolean seesCodes;
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(32);
        /** Put on the queue (compared by identity) to have the caller's access looked at without an event. */
        private final String wake = new String("wake");
        private final LiveAccess.Watch watch;
        private volatile boolean closed;
        private volatile @Nullable Thread thread;

        Subscriber(AccountAccess caller, UUID provider, SseEmitter emitter, boolean seesCodes) {
            this.account = caller.account();
            this.provider = provider;
            this.emitter = emitter;
            this.seesCodes = seesCodes;
            this.watch = access.watch(caller, seesCodes ? CODES : NUMBER, this::wake);
        }

        void offer(AccountId from, String data) {
            if (closed || !from.equals(account)) {
                return;
            }
            if (!queue.offer(data)) {
                // a reader this slow only needs the newest state
                queue.clear();
                queue.offer(data);
            }
        }

        /** Something may have ended the caller's access: look before the next event, even with none queued. */
        private void wake() {
            if (!closed) {
                // a full queue needs no marker: the next event is looked at anyway
                queue.offer(wake);
            }
        }

        void close() {
            closed = true;
            watch.close();
            subscribers.computeIfPresent(provider, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
            var running = thread;
            if (running != null) {
                running.interrupt();
            }
        }

        void run() {
            thread = Thread.currentThread();
            try {
                while (!closed) {
                    var data = queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                    if (closed) {
                        break;
                    }
                    if (!watch.allowed()) {
                        // the caller may no longer read the number (or see the codes this stream carries)
                        emitter.complete();
                        break;
                    }
                    if (data == null) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                    } else if (data != wake) {
                        emitter.send(SseEmitter.event().name(EVENT).data(seesCodes ? data : withoutCodes(data)));
                    }
                }
            } catch (InterruptedException e) {
                // closed
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            } catch (RuntimeException e) {
                log.warn("Connection event stream of provider {} failed", provider, e);
                emitter.completeWithError(e);
            } finally {
                close();
            }
        }
    }

    private String withoutCodes(String connectionJson) {
        var connection = (ObjectNode) json.readTree(connectionJson);
        connection.putNull("qr_code");
        connection.putNull("pairing_code");
        return json.writeValueAsString(connection);
    }

    @Override
    public void start() {
        channel.start();
    }

    @Override
    public void stop() {
        channel.stop();
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
        return channel.isRunning();
    }
}
