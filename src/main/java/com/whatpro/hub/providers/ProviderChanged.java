package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A provider was created, changed or deleted.
 *
 * @param action {@code provider.created}, {@code provider.updated}, {@code provider.deleted} or
 *        {@code provider.webhook_secret_rotated}
 * @param changes changed fields as {@code [before, after]}; credentials only ever as {@code "(redacted)"}
 */
public record ProviderChanged(AccountId account, UUID providerId, String action, Map<String, Object> changes,
        @Nullable UUID actor) implements Auditable {

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
        return "provider";
    }

    @Override
    public String auditResourceId() {
        return providerId.toString();
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
