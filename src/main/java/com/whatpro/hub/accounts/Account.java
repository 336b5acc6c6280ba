package com.whatpro.hub.accounts;

import java.time.Instant;
import java.util.Map;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A tenant: one client company. */
public record Account(AccountId id, String name, String plan, Status status, @Nullable Long chatwootAccountId,
        String locale, Map<String, Object> settings, Instant createdAt, Instant updatedAt) {

    public enum Status { ACTIVE, INACTIVE }

    public boolean active() {
        return status == Status.ACTIVE;
    }
}
