package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A member's name, role or availability changed; {@code changes} maps field to [old, new]. */
public record MemberChanged(AccountId account, UUID userId, Map<String, Object> changes, @Nullable UUID actor)
        implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return changes.containsKey("role") ? "member.role_changed" : "member.updated";
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
        return changes;
    }

    @Override
    public @Nullable Actor auditActor() {
        return Actor.userOrNull(actor);
    }
}
