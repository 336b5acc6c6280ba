package com.whatpro.hub.platform.redis;

import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Pub/sub listener containers that hand each message to a virtual thread. The container's default
 * executor starts a platform thread per message, which on a busy board costs more than the
 * message's own work.
 */
public final class RedisListeners {

    private RedisListeners() {
    }

    /** A container on {@code connections} whose threads are virtual and named after {@code name}. */
    public static RedisMessageListenerContainer container(RedisConnectionFactory connections, String name) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.setTaskExecutor(new VirtualThreadTaskExecutor(name + "-"));
        container.setSubscriptionExecutor(new VirtualThreadTaskExecutor(name + "-subscription-"));
        return container;
    }
}
