package com.whatpro.hub.providers;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProvidersConfiguration {

    @Bean
    ProviderAdapters providerAdapters(ProvidersSettings settings) {
        return ProviderAdapters.create(settings.timeouts());
    }
}
