package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** An API key was issued (the event never carries its secret). */
public record ApiKeyCreated(AccountId account, UUID keyId, String name, List<String> scopes, @Nullable Instant expiresAt,
        UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "api_key.created";
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
    public Map<String, ?> auditChanges() {
        var changes = new LinkedHashMap<String, Object>();
        changes.put("name", name);
        changes.put("scopes", scopes);
        changes.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        return changes;
    }

    @Override
    public Actor auditActor() {
        return Actor.user(actor);
    }
}
