package com.whatpro.hub.platform.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A Redis channel that every node publishes on and listens to, for messages nobody may wait for. {@link #send}
 * never blocks: messages go to a bounded queue that one virtual thread publishes; while Redis is away they are
 * dropped, so a user must make up for lost ones ({@link RedisSubscription} says how listening survives it). A node
 * does not hear its own messages back.
 */
public final class RedisBroadcast {

    private static final Logger log = LoggerFactory.getLogger(RedisBroadcast.class);
    private static final int QUEUE = 1_000;

    private final String node = UUID.randomUUID().toString();
    private final String channel;
    private final String name;
    private final StringRedisTemplate redis;
    private final RedisSubscription subscription;
    private final BlockingQueue<String> outgoing = new ArrayBlockingQueue<>(QUEUE);
    private volatile @Nullable Thread sender;
    private volatile boolean running;

    /**
     * @param name names the threads and the log lines
     * @param receiver gets each message another node sent, on a virtual thread of its own
     */
    public RedisBroadcast(StringRedisTemplate redis, RedisConnectionFactory connections, String channel, String name,
            Consumer<String> receiver) {
        this.redis = redis;
        this.channel = channel;
        this.name = name;
        this.subscription = new RedisSubscription(connections, channel, name, (message, pattern) -> {
            var parts = new String(message.getBody(), StandardCharsets.UTF_8).split("\\|", 2);
            if (parts.length == 2 && !parts[0].equals(node)) {
                receiver.accept(parts[1]);
            }
        });
    }

    /** Queues the message for the other nodes; false when the queue is full and the message is dropped. */
    public boolean send(String message) {
        return outgoing.offer(node + "|" + message);
    }

    public void start() {
        running = true;
        sender = Thread.ofVirtual().name(name + "-sender").start(this::publish);
        subscription.start();
    }

    public void stop() {
        running = false;
        var thread = sender;
        if (thread != null) {
            thread.interrupt();
        }
        subscription.stop();
    }

    public boolean isRunning() {
        return running;
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
                log.debug("Cannot publish on {}: {}", channel, e.toString());
            }
        }
    }
}
