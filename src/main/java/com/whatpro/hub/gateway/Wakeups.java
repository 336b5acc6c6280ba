package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.redis.RedisListeners;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells the workers of every node that there is new work, so they do not wait for their next poll. Redis only
 * carries the nudge (pub/sub, no data): when Redis is down or flushed, workers still find everything by polling
 * PostgreSQL. Nudges are coalesced: at most one Redis message per {@value #COALESCE_MILLIS} ms per node.
 */
@Component
class Wakeups implements SmartLifecycle, MessageListener {

    private static final Logger log = LoggerFactory.getLogger(Wakeups.class);
    private static final long COALESCE_MILLIS = 20;

    private final String node = UUID.randomUUID().toString();
    private final String channel;
    private final StringRedisTemplate redis;
    private final RedisMessageListenerContainer container;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore pending = new Semaphore(0);
    private volatile boolean running;
    private volatile Thread publisher;

    Wakeups(RedisConnectionFactory connections, StringRedisTemplate redis, PlatformSettings settings) {
        this.redis = redis;
        this.channel = settings.redis().keyPrefix() + "gateway:wake";
        this.container = RedisListeners.container(connections, "gateway-wakeups");
        this.container.setRecoveryInterval(5_000);
        this.container.addMessageListener(this, new ChannelTopic(channel));
    }

    /** Runs {@code listener} whenever any node has new work. */
    void onWake(Runnable listener) {
        listeners.add(listener);
    }

    /** New work exists: wake this node's workers now and the others' through Redis, after the transaction commits. */
    void signal() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signalNow();
                }
            });
        } else {
            signalNow();
        }
    }

    private void signalNow() {
        listeners.forEach(Runnable::run);
        if (pending.availablePermits() == 0) {
            pending.release();
        }
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        if (!node.equals(new String(message.getBody(), StandardCharsets.UTF_8))) {
            listeners.forEach(Runnable::run);
        }
    }

    @Override
    public void start() {
        running = true;
        try {
            container.afterPropertiesSet();
            container.start();
        } catch (RuntimeException e) {
            log.warn("Cannot subscribe to Redis for worker wake-ups; workers poll the database instead: {}", e.toString());
        }
        publisher = Thread.ofVirtual().name("gateway-wakeups").start(this::publish);
    }

    private void publish() {
        while (running) {
            try {
                if (!pending.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                Thread.sleep(COALESCE_MILLIS);
                pending.drainPermits();
                redis.convertAndSend(channel, node);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.debug("Cannot publish a worker wake-up to Redis: {}", e.toString());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        var thread = publisher;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            container.stop();
            container.destroy();
        } catch (Exception e) {
            log.debug("Stopping the Redis subscription failed: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
