package com.whatpro.hub.chatwoot;

/** A webhook delivery that cannot be trusted; it should be answered with 401 and not processed. */
public final class InvalidWebhookSignature extends RuntimeException {

    public enum Reason {
        /** The timestamp or signature header is absent. */
        MISSING,
        /** A header is present but not in Chatwoot's format. */
        MALFORMED,
        /** The timestamp is more than the tolerance away from now: possibly a replay. */
        STALE,
        /** The signature does not match the body under the secret. */
        MISMATCH
    }

    private final Reason reason;

    public InvalidWebhookSignature(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
