package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A card was created, updated, assigned, archived, unarchived, deleted, or given a conversation
 * ({@code action}: {@code card.created}, {@code card.updated}, {@code card.assigned},
 * {@code card.archived}, {@code card.unarchived}, {@code card.deleted},
 * {@code card.conversation_attached}). {@code changes} maps changed fields to {@code [old, new]}.
 */
public record CardChanged(AccountId account, UUID boardId, UUID cardId, String action,
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
        return "card";
    }

    @Override
    public String auditResourceId() {
        return cardId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }
}
