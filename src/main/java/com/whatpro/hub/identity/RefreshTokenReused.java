package com.whatpro.hub.identity;

import java.util.UUID;

/** A rotated refresh token came back: the session was revoked, as it may be stolen. */
public record RefreshTokenReused(UUID userId, UUID sessionId) {
}
