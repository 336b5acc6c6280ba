package com.whatpro.hub.providers;

import org.jspecify.annotations.Nullable;

/**
 * A provider did not do what was asked. {@link ProviderRejected} will fail the same way again;
 * {@link ProviderUnavailable} may succeed later. Messages carry the provider's code and words, never credentials.
 */
public abstract sealed class ProviderException extends RuntimeException permits ProviderRejected, ProviderUnavailable {

    private final ProviderType provider;
    private final int httpStatus;
    private final @Nullable String providerCode;
    private final @Nullable String providerMessage;

    ProviderException(ProviderType provider, int httpStatus, @Nullable String providerCode,
            @Nullable String providerMessage, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.provider = provider;
        this.httpStatus = httpStatus;
        this.providerCode = providerCode;
        this.providerMessage = providerMessage;
    }

    /** Whether trying again later may succeed. */
    public abstract boolean retryable();

    public ProviderType provider() {
        return provider;
    }

    /** The HTTP status the provider answered with; 0 when there was no answer (I/O error, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The provider's own error code, e.g. Meta's {@code 131026}; null when it gave none. */
    public @Nullable String providerCode() {
        return providerCode;
    }

    /** The provider's own explanation; null when it gave none. */
    public @Nullable String providerMessage() {
        return providerMessage;
    }

    static String describe(ProviderType provider, String what, int httpStatus, @Nullable String code,
            @Nullable String message) {
        var text = new StringBuilder(provider.jsonName()).append(' ').append(what);
        if (httpStatus > 0) {
            text.append(" (HTTP ").append(httpStatus);
            if (code != null) {
                text.append(", code ").append(code);
            }
            text.append(')');
        }
        if (message != null) {
            text.append(": ").append(message);
        }
        return text.toString();
    }
}
