package com.whatpro.hub.identity;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A session ended before its time (logout, revocation, refresh-token reuse). */
public record SessionRevoked(UUID userId, UUID sessionId, String reason, @Nullable UUID actor) {
}
