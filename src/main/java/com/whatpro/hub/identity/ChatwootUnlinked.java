package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A hub user's link to a Chatwoot identity was removed, because the user was linked to another one ({@code via} as
 * in {@link ChatwootLinked}). {@code installation} is null for a link stored before installations were recorded.
 */
public record ChatwootUnlinked(UUID userId, @Nullable String installation, long chatwootUserId, String via)
        implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "user.chatwoot_unlinked";
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
        var changes = new java.util.LinkedHashMap<String, Object>();
        changes.put("installation", installation);
        changes.put("chatwoot_user_id", chatwootUserId);
        changes.put("via", via);
        return changes;
    }

    @Override
    public Actor auditActor() {
        return Actor.user(userId);
    }
}
