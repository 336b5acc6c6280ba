package com.whatpro.hub.identity;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

/** An API key was revoked and stops working at once. */
public record ApiKeyRevoked(AccountId account, UUID keyId, UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "api_key.revoked";
    }

    @Override
    public String auditResourceType() {
        return "api_key";
    }

    @Override
    public String auditResourceId() {
        return keyId.toString();
    }

    @Override
    public Actor auditActor() {
        return Actor.user(actor);
    }
}
