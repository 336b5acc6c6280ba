package com.whatpro.hub.providers;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The provider could not be reached or could not serve the request now: I/O error, timeout, 5xx, 429, or a rate
 * limit it reports in its own terms (Cloud API 130429, 131056). Retry later, after {@link #retryAfter()} when given.
 */
public final class ProviderUnavailable extends ProviderException {

    private final @Nullable Duration retryAfter;

    public ProviderUnavailable(ProviderType provider, int httpStatus, @Nullable String providerCode,
            @Nullable String providerMessage, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(provider, httpStatus, providerCode, providerMessage,
                describe(provider, "is unavailable", httpStatus, providerCode, providerMessage), cause);
        this.retryAfter = retryAfter;
    }

    /** An I/O failure or timeout before any answer. */
    public static ProviderUnavailable unreachable(ProviderType provider, String what, Throwable cause) {
        return new ProviderUnavailable(provider, 0, null, what, null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }

    /** How long the provider asked us to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
