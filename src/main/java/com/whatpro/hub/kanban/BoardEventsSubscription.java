package com.whatpro.hub.kanban;

import java.time.Duration;

import com.whatpro.hub.platform.redis.RedisListeners;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.FixedBackOff;

/**
 * This node's subscription to the board event channel. The service starts without Redis (it is
 * then not ready): the first attempt is made at start-up, later ones in the background until one
 * succeeds; after that the listener container recovers lost connections on its own.
 */
@Component
class BoardEventsSubscription implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BoardEventsSubscription.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final RedisConnectionFactory connections;
    private final BoardStream stream;
    private volatile @Nullable RedisMessageListenerContainer container;
    private volatile @Nullable Thread retrying;
    private volatile boolean running;

    BoardEventsSubscription(RedisConnectionFactory connections, BoardStream stream) {
        this.connections = connections;
        this.stream = stream;
    }

    @Override
    public void start() {
        running = true;
        if (!attempt(true)) {
            retrying = Thread.ofVirtual().name("board-events-subscription").start(() -> {
                while (running && !attempt(false)) {
                    try {
                        Thread.sleep(RETRY);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
    }

    private boolean attempt(boolean first) {
        var candidate = RedisListeners.container(connections, "board-events");
        candidate.addMessageListener(stream, new ChannelTopic(stream.channel()));
        candidate.setRecoveryBackoff(new FixedBackOff(RETRY.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS));
        try {
            candidate.afterPropertiesSet();
            candidate.start();
            container = candidate;
            if (!first) {
                log.info("Subscribed to the board event channel");
            }
            return true;
        } catch (RuntimeException e) {
            if (first) {
                log.warn("Cannot subscribe to the board event channel yet ({}); retrying every {}s", e.getMessage(),
                        RETRY.toSeconds());
            }
            destroy(candidate);
            return false;
        }
    }

    @Override
    public void stop() {
        running = false;
        var thread = retrying;
        if (thread != null) {
            thread.interrupt();
        }
        var current = container;
        if (current != null) {
            destroy(current);
            container = null;
        }
    }

    private static void destroy(RedisMessageListenerContainer candidate) {
        try {
            candidate.destroy();
        } catch (Exception e) {
            // it never fully started
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
