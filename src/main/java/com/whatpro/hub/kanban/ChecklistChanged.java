package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A card's checklist item was added, updated or removed ({@code action}:
 * {@code checklist_item.added}, {@code checklist_item.updated}, {@code checklist_item.removed}).
 */
public record ChecklistChanged(AccountId account, UUID boardId, UUID cardId, UUID itemId, String action,
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
        return "checklist_item";
    }

    @Override
    public String auditResourceId() {
        return itemId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return withCard(changes, cardId);
    }

    private static Map<String, ?> withCard(Map<String, @Nullable Object> changes, UUID cardId) {
        var all = new java.util.LinkedHashMap<String, @Nullable Object>(changes);
        all.put("card_id", cardId.toString());
        return all;
    }
}
