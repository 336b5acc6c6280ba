package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A user signed in and got a new session ({@code method}: password or chatwoot_sso). */
public record UserLoggedIn(UUID userId, UUID sessionId, String method) {
}
