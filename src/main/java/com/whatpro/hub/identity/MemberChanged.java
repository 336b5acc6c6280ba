package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A member's name, role or availability changed; {@code changes} maps field to [old, new]. */
public record MemberChanged(AccountId account, UUID userId, Map<String, Object> changes, @Nullable UUID actor) {
}
