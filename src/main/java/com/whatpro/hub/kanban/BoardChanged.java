package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * A board was created, updated or deleted ({@code action}: {@code board.created},
 * {@code board.updated}, {@code board.deleted}); {@code changes} maps each changed field to
 * {@code [old, new]} (or to its value on creation). {@code actor} is the user or API key, null
 * for the system.
 */
public record BoardChanged(AccountId account, UUID boardId, String action, Map<String, @Nullable Object> changes,
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
        return "board";
    }

    @Override
    public String auditResourceId() {
        return boardId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }
}
