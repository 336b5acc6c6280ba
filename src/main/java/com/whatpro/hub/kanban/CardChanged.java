package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/**
 * A card was created, updated, assigned, archived, unarchived, deleted, or given a conversation
 * ({@code action}: {@code card.created}, {@code card.updated}, {@code card.assigned},
 * {@code card.archived}, {@code card.unarchived}, {@code card.deleted},
 * {@code card.conversation_attached}). {@code changes} maps changed fields to {@code [old, new]}.
 */
public record CardChanged(AccountId account, UUID boardId, UUID cardId, String action,
        Map<String, @Nullable Object> changes, @Nullable UUID actor) {
}
