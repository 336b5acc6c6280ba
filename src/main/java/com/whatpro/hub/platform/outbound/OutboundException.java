package com.whatpro.hub.platform.outbound;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * An outbound call that did not produce an answer. The message says why in words fit for a problem detail or a log
 * line: it never holds a URL's path or query, headers or bodies.
 */
public final class OutboundException extends IOException {

    /** Why the call failed. */
    public enum Kind {
        /** the outbound policy refused the address (or a redirect's); retrying will not help */
        REFUSED,
        /** the answer was larger than the call's limit */
        TOO_LARGE,
        /** the call's total deadline passed (connect, headers and body together) */
        TIMED_OUT,
        /** the server could not be reached or broke off */
        UNREACHABLE
    }

    private final Kind kind;

    OutboundException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
