package com.whatpro.hub.chatwoot;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChatwootSettings.class)
class ChatwootConfiguration {

    @Bean
    ChatwootClient chatwootClient(ChatwootSettings settings) {
        return ChatwootClient.create(settings);
    }

    @Bean
    ChatwootWebhooks chatwootWebhooks(ObjectProvider<Clock> clock) {
        return new ChatwootWebhooks(clock.getIfAvailable(Clock::systemUTC));
    }
}
