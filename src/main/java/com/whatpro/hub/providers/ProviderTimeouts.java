package com.whatpro.hub.providers;

import java.time.Duration;

/**
 * How long to wait for a provider.
 *
 * @param connect to open a connection
 * @param read for the response after the request is sent
 */
public record ProviderTimeouts(Duration connect, Duration read) {

    public static final ProviderTimeouts DEFAULT = new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));

    public ProviderTimeouts {
        if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
