package com.whatpro.hub.kanban;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.FixedBackOff;

@Configuration(proxyBeanMethods = false)
class KanbanConfiguration {

    /** Every node listens to the board event channel; a lost Redis connection is retried. */
    @Bean
    RedisMessageListenerContainer boardEventsListener(RedisConnectionFactory connections, BoardStream stream) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.addMessageListener(stream, new ChannelTopic(stream.channel()));
        container.setRecoveryBackoff(new FixedBackOff(2_000, FixedBackOff.UNLIMITED_ATTEMPTS));
        return container;
    }
}
