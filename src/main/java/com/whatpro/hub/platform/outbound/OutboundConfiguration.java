package com.whatpro.hub.platform.outbound;

import io.micrometer.observation.ObservationRegistry;
import java.net.URI;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboundSettings.class)
class OutboundConfiguration {

    /** The operator's exceptions, and the operator's own Chatwoot (WHATPRO_CHATWOOT_URL), which is trusted. */
    @Bean
    OutboundPolicy outboundPolicy(OutboundSettings settings, Environment environment,
            ObjectProvider<ObservationRegistry> observations) {
        var chatwoot = environment.getProperty("whatpro.chatwoot.url", "");
        return OutboundPolicy.allowing(settings.allowed()).trusting(chatwoot.isBlank() ? null : URI.create(chatwoot))
                .observedBy(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
