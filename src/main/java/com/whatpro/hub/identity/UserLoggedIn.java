package com.whatpro.hub.identity;

import java.util.UUID;

/** A user signed in and got a new session ({@code method}: password or chatwoot_sso). */
public record UserLoggedIn(UUID userId, UUID sessionId, String method) {
}
