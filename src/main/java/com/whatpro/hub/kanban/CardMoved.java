package com.whatpro.hub.kanban;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A card changed place: into another stage, or within its stage ({@code fromStageId} equals {@code toStageId}). */
public record CardMoved(AccountId account, UUID boardId, UUID cardId, UUID fromStageId, UUID toStageId,
        String rank, @Nullable UUID actor) {
}
