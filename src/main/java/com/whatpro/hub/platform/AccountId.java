package com.whatpro.hub.platform;

/**
 * Identifies an account (a tenant). Our own id, never a Chatwoot account id.
 */
public record AccountId(long value) {

    public AccountId {
        if (value <= 0) {
            throw new IllegalArgumentException("account id must be positive");
        }
    }

    public static AccountId of(long value) {
        return new AccountId(value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
