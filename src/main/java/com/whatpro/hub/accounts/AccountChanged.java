package com.whatpro.hub.accounts;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A tenant's name, locale, settings, plan or status changed; {@code changes} maps field to [old, new]. */
public record AccountChanged(AccountId account, @Nullable UUID actor, String action, Map<String, Object> changes)
        implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return action;
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
