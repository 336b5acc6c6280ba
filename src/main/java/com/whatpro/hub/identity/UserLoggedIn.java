package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A user signed in and got a new session ({@code method}: password or chatwoot_sso). */
public record UserLoggedIn(UUID userId, UUID sessionId, String method) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "auth.login";
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
        return Map.of("method", method, "user_id", userId.toString());
    }

    @Override
    public Actor auditActor() {
        return Actor.user(userId);
    }
}
