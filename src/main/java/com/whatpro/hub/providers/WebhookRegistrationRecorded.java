package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The hub tried to register a provider's webhook URL at the provider, or found it could not; audited without the URL.
 * The actor is the caller who asked for it, or the system when a change of the provider did.
 *
 * @param events the events the provider now sends, when registered
 */
record WebhookRegistrationRecorded(AccountId account, UUID providerId, WebhookRegistration registration,
        List<String> events) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "provider.webhook_registration";
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
        var changes = new LinkedHashMap<String, Object>();
        changes.put("status", registration.status().jsonName());
        if (registration.detail() != null) {
            changes.put("detail", registration.detail());
        }
        if (!events.isEmpty()) {
            changes.put("events", events);
        }
        return changes;
    }
}
