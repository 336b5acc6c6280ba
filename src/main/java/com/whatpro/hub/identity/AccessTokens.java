package com.whatpro.hub.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.KeyMaterial;

import org.springframework.stereotype.Component;

/**
 * Short-lived access tokens: HS256 JWTs carrying the user ({@code sub}) and the session
 * ({@code sid}), signed with a key derived from the master key so every node accepts them.
 */
@Component
class AccessTokens {

    private static final String ISSUER = "whatpro-hub";

    private final SessionTokens tokens;
    private final IdentitySettings settings;
    private final Clock clock;

    AccessTokens(KeyMaterial keys, IdentitySettings settings, Clock clock) {
        this.tokens = new SessionTokens(keys, "access-token-signing", ISSUER);
        this.settings = settings;
        this.clock = clock;
    }

    record Claims(UUID userId, UUID sessionId) {
    }

    record Issued(String token, long expiresInSeconds) {
    }

    Issued issue(UUID userId, UUID sessionId) {
        var now = clock.instant();
        return new Issued(tokens.sign(userId, sessionId, now, now.plus(settings.accessTokenTtl())),
                settings.accessTokenTtl().toSeconds());
    }

    /** The claims of a valid, unexpired token of ours; empty for anything else. */
    Optional<Claims> verify(String token) {
        return tokens.verify(token, clock.instant());
    }

    Instant now() {
        return clock.instant();
    }
}
