package com.whatpro.hub.providers;

import org.jspecify.annotations.Nullable;

/**
 * The provider refused the request (bad number, bad token, unknown instance, invalid media…). Retrying the same
 * request will not help.
 */
public final class ProviderRejected extends ProviderException {

    public ProviderRejected(ProviderType provider, int httpStatus, @Nullable String providerCode,
            @Nullable String providerMessage) {
        super(provider, httpStatus, providerCode, providerMessage,
                describe(provider, "rejected the request", httpStatus, providerCode, providerMessage), null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
