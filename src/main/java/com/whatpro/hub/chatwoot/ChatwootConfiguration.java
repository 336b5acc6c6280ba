package com.whatpro.hub.chatwoot;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.platform.outbound.OutboundSettings;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChatwootSettings.class)
class ChatwootConfiguration {

    @Bean
    ChatwootClient chatwootClient(ChatwootSettings settings, OutboundPolicy policy, OutboundSettings outbound) {
        return ChatwootClient.create(settings, policy, outbound.maxResponseSize().toBytes());
    }

    @Bean
    ChatwootWebhooks chatwootWebhooks(ObjectProvider<Clock> clock) {
        return new ChatwootWebhooks(clock.getIfAvailable(Clock::systemUTC));
    }
}
