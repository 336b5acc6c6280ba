package com.whatpro.hub.platform.outbound;

import java.net.URI;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboundSettings.class)
class OutboundConfiguration {

    /** The operator's exceptions, and the operator's own Chatwoot (WHATPRO_CHATWOOT_URL), which is trusted. */
    @Bean
    OutboundPolicy outboundPolicy(OutboundSettings settings, Environment environment) {
        var chatwoot = environment.getProperty("whatpro.chatwoot.url", "");
        return OutboundPolicy.allowing(settings.allowed()).trusting(chatwoot.isBlank() ? null : URI.create(chatwoot));
    }
}
