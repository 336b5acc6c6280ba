package com.whatpro.hub.accounts;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A super_admin changed an account's plan or its limit and feature overrides; {@code changes} maps field to [old, new]. */
public record EntitlementsChanged(AccountId account, Map<String, Object> changes, @Nullable UUID actor)
        implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "account.entitlements_changed";
    }

    @Override
    public String auditResourceType() {
        return "account";
    }

    @Override
    public String auditResourceId() {
        return account.toString();
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
