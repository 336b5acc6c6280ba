package com.whatpro.hub.teams;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A team was created, changed or deleted, or its members changed ({@code action} says which). */
public record TeamChanged(AccountId account, UUID teamId, String action, Map<String, Object> changes,
        @Nullable UUID actor) {
}
