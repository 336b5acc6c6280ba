package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A session ended before its time (logout, revocation, refresh-token reuse). */
public record SessionRevoked(UUID userId, UUID sessionId, String reason, @Nullable UUID actor) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "auth.session_revoked";
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
        return Map.of("reason", reason, "user_id", userId.toString());
    }

    @Override
    public @Nullable Actor auditActor() {
        return Actor.userOrNull(actor);
    }
}
