package com.whatpro.hub.identity;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("whatpro.identity")
record IdentitySettings(
        @DefaultValue Bootstrap bootstrap,
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("30d") Duration sessionTtl,
        @DefaultValue("true") boolean secureCookie) {

    record Bootstrap(@DefaultValue("admin@whatpro.local") String adminEmail, @Nullable String adminPassword) {
    }
}
