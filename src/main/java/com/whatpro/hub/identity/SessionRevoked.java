package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A session ended before its time (logout, revocation, refresh-token reuse). */
public record SessionRevoked(UUID userId, UUID sessionId, String reason, @Nullable UUID actor) {
}
