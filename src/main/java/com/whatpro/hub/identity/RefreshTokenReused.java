package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A rotated refresh token came back: the session was revoked, as it may be stolen. */
public record RefreshTokenReused(UUID userId, UUID sessionId) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "auth.refresh_token_reused";
    }

    @Override
    public String auditResourceType() {
        return "session";
    }

    @Override
    public String auditResourceId() {
        return sessionId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return Map.of("user_id", userId.toString());
    }

    /** Whoever presented the old token: its owner or a thief, nobody can tell. */
    @Override
    public Actor auditActor() {
        return Actor.anonymous();
    }
}
