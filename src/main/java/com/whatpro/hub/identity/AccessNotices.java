package com.whatpro.hub.identity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.redis.RedisListeners;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Tells the other nodes that someone's access may have ended, so their open event streams check
 * their callers again at once. A notice says only what changed (a session, a user, an API key, an
 * account), never what follows from it: the database decides that. A request never waits for
 * Redis: notices go to a bounded queue that one virtual thread publishes on a channel every node
 * listens to. A notice lost with Redis is made up for by each stream's periodic check.
 */
@Component
class AccessNotices implements MessageListener, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccessNotices.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    /** Something that may have ended the access of the callers it names. */
    record Notice(Kind kind, String id) {

        enum Kind { SESSION, USER, KEY, ACCOUNT }

        static Notice session(UUID session) {
            return new Notice(Kind.SESSION, session.toString());
        }

        static Notice user(UUID user) {
            return new Notice(Kind.USER, user.toString());
        }

        static Notice key(UUID key) {
            return new Notice(Kind.KEY, key.toString());
        }

        static Notice account(AccountId account) {
            return new Notice(Kind.ACCOUNT, account.toString());
        }

        boolean names(AccountAccess access) {
            return switch (kind) {
                case SESSION -> access.caller() instanceof Caller.User user && user.sessionId().toString().equals(id);
                case USER -> access.caller() instanceof Caller.User user && user.userId().toString().equals(id);
                case KEY -> access.caller() instanceof Caller.ApiKey key && key.keyId().toString().equals(id);
                case ACCOUNT -> access.account().toString().equals(id);
            };
        }

        String wire() {
            return kind.name().toLowerCase(Locale.ROOT) + ":" + id;
        }

        static Optional<Notice> parse(String wire) {
            var colon = wire.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Notice(Kind.valueOf(wire.substring(0, colon).toUpperCase(Locale.ROOT)),
                        wire.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private final String node = UUID.randomUUID().toString();
    private final String channel;
    private final StringRedisTemplate redis;
    private final RedisConnectionFactory connections;
    private final BlockingQueue<String> outgoing = new ArrayBlockingQueue<>(1_000);
    private volatile Consumer<Notice> receiver = notice -> { };
    private volatile @Nullable RedisMessageListenerContainer container;
    private volatile @Nullable Thread sender;
    private volatile boolean running;

    AccessNotices(StringRedisTemplate redis, RedisConnectionFactory connections, PlatformSettings settings) {
        this.redis = redis;
        this.connections = connections;
        this.channel = settings.redis().keyPrefix() + "identity:access";
    }

    /** Who hears the notices of other nodes (this node's own are handled where they are sent). */
    void onNotice(Consumer<Notice> receiver) {
        this.receiver = receiver;
    }

    /** Queues the notice for the other nodes; never blocks. */
    void send(Notice notice) {
        if (!outgoing.offer(node + "|" + notice.wire())) {
            log.warn("Access notices queue is full; other nodes' streams find out at their next check");
        }
    }

    @Override
    public void onMessage(Message message, byte @Nullable [] pattern) {
        var parts = new String(message.getBody(), StandardCharsets.UTF_8).split("\\|", 2);
        if (parts.length != 2 || parts[0].equals(node)) {
            return;
        }
        Notice.parse(parts[1]).ifPresent(receiver);
    }

    private void publish() {
        while (running) {
            try {
                var message = outgoing.poll(1, TimeUnit.SECONDS);
                if (message != null) {
                    redis.convertAndSend(channel, message);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.debug("Cannot publish an access notice to Redis: {}", e.toString());
            }
        }
    }

    @Override
    public void start() {
        running = true;
        sender = Thread.ofVirtual().name("access-notices-sender").start(this::publish);
        Thread.ofVirtual().name("access-notices-subscription").start(() -> {
            while (running && !subscribe()) {
                try {
                    Thread.sleep(RETRY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private boolean subscribe() {
        var candidate = RedisListeners.container(connections, "access-notices");
        candidate.addMessageListener(this, new ChannelTopic(channel));
        candidate.setRecoveryBackoff(new FixedBackOff(RETRY.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS));
        try {
            candidate.afterPropertiesSet();
            candidate.start();
            if (!running) {
                candidate.destroy();
                return true;
            }
            container = candidate;
            return true;
        } catch (Exception e) {
            try {
                candidate.destroy();
            } catch (Exception ignored) {
                // it never fully started
            }
            return false;
        }
    }

    @Override
    public void stop() {
        running = false;
        var thread = sender;
        if (thread != null) {
            thread.interrupt();
        }
        var current = container;
        if (current != null) {
            try {
                current.destroy();
            } catch (Exception e) {
                log.debug("Stopping the Redis subscription failed: {}", e.toString());
            }
            container = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
