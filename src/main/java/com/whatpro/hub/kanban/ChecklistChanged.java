package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/**
 * A card's checklist item was added, updated or removed ({@code action}:
 * {@code checklist_item.added}, {@code checklist_item.updated}, {@code checklist_item.removed}).
 */
public record ChecklistChanged(AccountId account, UUID boardId, UUID cardId, UUID itemId, String action,
        Map<String, @Nullable Object> changes, @Nullable UUID actor) {
}
