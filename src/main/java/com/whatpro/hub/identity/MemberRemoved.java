package com.whatpro.hub.identity;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A user left an account. */
public record MemberRemoved(AccountId account, UUID userId, @Nullable UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "member.removed";
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
    public @Nullable Actor auditActor() {
        return Actor.userOrNull(actor);
    }
}
