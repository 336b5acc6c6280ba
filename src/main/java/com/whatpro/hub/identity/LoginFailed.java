package com.whatpro.hub.identity;

import java.util.Map;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A sign-in was refused; {@code email} is what was typed, {@code reason} (unknown_email,
 * wrong_password, no_password, too_many_failures, chatwoot_rejected, chatwoot_link_required) is never
 * told to the caller.
 */
public record LoginFailed(String email, String reason) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "auth.login_failed";
    }

    @Override
    public String auditResourceType() {
        return "user";
    }

    @Override
    public @Nullable String auditResourceId() {
        return null;
    }

    @Override
    public Map<String, ?> auditChanges() {
        return Map.of("email", email, "reason", reason);
    }

    @Override
    public Actor auditActor() {
        return Actor.anonymous();
    }
}
