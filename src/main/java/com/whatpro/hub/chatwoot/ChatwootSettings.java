package com.whatpro.hub.chatwoot;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the hub talks to Chatwoot.
 *
 * @param url the installation that SSO trusts ({@code WHATPRO_CHATWOOT_URL}); unset means no SSO
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for an answer once the request is sent
 */
@ConfigurationProperties("whatpro.chatwoot")
public record ChatwootSettings(
        @Nullable URI url,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout) {

    public ChatwootSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
    }

    public static ChatwootSettings defaults() {
        return new ChatwootSettings(null, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    public ChatwootSettings withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new ChatwootSettings(url, connectTimeout, readTimeout);
    }

    private static void requirePositive(Duration timeout, String name) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout);
        }
    }
}
