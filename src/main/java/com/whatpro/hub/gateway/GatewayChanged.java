package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An admin changed the gateway of an account: {@code chatwoot.connected} (the Chatwoot connection was set; tokens and
 * secrets only as {@code "(redacted)"}) or {@code dead_letter.replayed}.
 */
public record GatewayChanged(AccountId account, String action, String resourceType, String resourceId,
        Map<String, Object> changes) implements Auditable {

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
        return resourceType;
    }

    @Override
    public @Nullable String auditResourceId() {
        return resourceId;
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }
}
