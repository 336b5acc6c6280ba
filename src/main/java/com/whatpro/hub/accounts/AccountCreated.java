package com.whatpro.hub.accounts;

import java.util.Map;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

/** A new tenant exists; other modules give it their defaults (a board, say). */
public record AccountCreated(AccountId account, String name, String plan) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "account.created";
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
        return Map.of("name", name, "plan", plan);
    }
}
