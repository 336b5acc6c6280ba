package com.whatpro.hub.platform.redis;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * A node's subscription to one channel that outlives Redis being away. The service starts without Redis: the first
 * attempt is made on {@link #start()}, later ones in the background until one succeeds; after that the listener
 * container recovers lost connections on its own.
 */
public final class RedisSubscription {

    private static final Logger log = LoggerFactory.getLogger(RedisSubscription.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final RedisConnectionFactory connections;
    private final String channel;
    private final String name;
    private final MessageListener listener;
    private volatile @Nullable RedisMessageListenerContainer container;
    private volatile @Nullable Thread retrying;
    private volatile boolean running;

    /** @param name names the threads and the log lines */
    public RedisSubscription(RedisConnectionFactory connections, String channel, String name,
            MessageListener listener) {
        this.connections = connections;
        this.channel = channel;
        this.name = name;
        this.listener = listener;
    }

    public void start() {
        running = true;
        if (!attempt(true)) {
            retrying = Thread.ofVirtual().name(name + "-subscription").start(() -> {
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
        var candidate = RedisListeners.container(connections, name);
        candidate.addMessageListener(listener, new ChannelTopic(channel));
        candidate.setRecoveryBackoff(new FixedBackOff(RETRY.toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS));
        try {
            candidate.afterPropertiesSet();
            candidate.start();
        } catch (RuntimeException e) {
            if (first) {
                log.warn("Cannot subscribe to {} yet ({}); retrying every {}s", channel, e.getMessage(),
                        RETRY.toSeconds());
            }
            destroy(candidate);
            return false;
        }
        if (!running) {
            destroy(candidate);
        } else {
            container = candidate;
            if (!first) {
                log.info("Subscribed to {}", channel);
            }
        }
        return true;
    }

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

    public boolean isRunning() {
        return running;
    }

    private static void destroy(RedisMessageListenerContainer candidate) {
        try {
            candidate.destroy();
        } catch (Exception e) {
            log.debug("Stopping a Redis subscription failed: {}", e.toString());
        }
    }
}
