package com.whatpro.hub.kanban;

import com.whatpro.hub.platform.redis.RedisSubscription;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * This node's subscription to the board event channel; the service starts without Redis ({@link RedisSubscription}).
 */
@Component
class BoardEventsSubscription implements SmartLifecycle {

    private final RedisSubscription subscription;

    BoardEventsSubscription(RedisConnectionFactory connections, BoardStream stream) {
        this.subscription = new RedisSubscription(connections, stream.channel(), "board-events", stream);
    }

    @Override
    public void start() {
        subscription.start();
    }

    @Override
    public void stop() {
        subscription.stop();
    }

    @Override
    public boolean isRunning() {
        return subscription.isRunning();
    }
}
