package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A user became a member of an account. */
public record MemberAdded(AccountId account, UUID userId, String role, @Nullable UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "member.added";
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
        return Map.of("role", role);
    }

    @Override
    public @Nullable Actor auditActor() {
        return Actor.userOrNull(actor);
    }
}
