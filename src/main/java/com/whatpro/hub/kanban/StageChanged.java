package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A stage was created, updated, deleted or the board's stages were reordered ({@code action}:
 * {@code stage.created}, {@code stage.updated}, {@code stage.deleted}, {@code stage.reordered};
 * for a reorder {@code stageId} is null and {@code changes} holds the new order).
 */
public record StageChanged(AccountId account, UUID boardId, @Nullable UUID stageId, String action,
        Map<String, @Nullable Object> changes, @Nullable UUID actor) implements Auditable {

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
        return "stage";
    }

    @Override
    public String auditResourceId() {
        return stageId == null ? boardId.toString() : stageId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }
}
