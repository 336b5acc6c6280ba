package com.whatpro.hub.providers;

import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.platform.outbound.OutboundSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProvidersConfiguration {

    @Bean
    ProviderAdapters providerAdapters(ProvidersSettings settings, OutboundPolicy policy, OutboundSettings outbound) {
        return ProviderAdapters.create(settings.timeouts(), policy, outbound.maxResponseSize().toBytes());
    }
}
