package com.whatpro.hub.automations;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

/** A rule was created, changed or deleted ({@code action}: {@code automation.created|updated|deleted}). */
public record AutomationChanged(AccountId account, UUID automationId, String action, Map<String, Object> changes)
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
        return "automation";
    }

    @Override
    public String auditResourceId() {
        return automationId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }
}
