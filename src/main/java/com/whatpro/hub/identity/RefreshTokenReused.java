package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A rotated refresh token came back: the session was revoked, as it may be stolen. */
public record RefreshTokenReused(UUID userId, UUID sessionId) {
}
