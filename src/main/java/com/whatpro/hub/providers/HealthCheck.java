package com.whatpro.hub.providers;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The outcome of asking a provider about its number. */
public record HealthCheck(ConnectionState.Status status, Instant checkedAt, @Nullable String detail) {
}
