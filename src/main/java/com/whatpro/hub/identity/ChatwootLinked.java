package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A hub user was linked to a Chatwoot identity ({@code installation}, {@code chatwootUserId}); {@code via} says how:
 * {@code sso} (by e-mail, or a user created at first sign-in), {@code chatwoot_link} (the user, signed in) or
 * {@code sync} (a user an account's Chatwoot sync created; {@code account} is that account, else null).
 */
public record ChatwootLinked(UUID userId, String installation, long chatwootUserId, String via,
        @Nullable AccountId account) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "user.chatwoot_linked";
    }

    @Override
    public String auditResourceType() {
        return "user";
    }

    @Override
    public String auditResourceId() {
        return userId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return Map.of("installation", installation, "chatwoot_user_id", chatwootUserId, "via", via);
    }

    @Override
    public Actor auditActor() {
        return Actor.user(userId);
    }
}
