package com.whatpro.hub.identity;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("whatpro.identity")
record IdentitySettings(@DefaultValue Bootstrap bootstrap) {

    record Bootstrap(@DefaultValue("admin@whatpro.local") String adminEmail, @Nullable String adminPassword) {
    }
}
