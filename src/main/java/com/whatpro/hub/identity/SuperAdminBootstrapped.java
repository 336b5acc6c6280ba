package com.whatpro.hub.identity;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** The first start created the installation's super_admin. */
public record SuperAdminBootstrapped(UUID userId, String email) implements Auditable {

    @Override
    public @Nullable AccountId auditAccount() {
        return null;
    }

    @Override
    public String auditAction() {
        return "user.super_admin_bootstrapped";
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
        return Map.of("email", email);
    }

    @Override
    public Actor auditActor() {
        return Actor.system();
    }
}
