package com.whatpro.hub.kanban;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** A card changed place: into another stage, or within its stage ({@code fromStageId} equals {@code toStageId}). */
public record CardMoved(AccountId account, UUID boardId, UUID cardId, UUID fromStageId, UUID toStageId,
        String rank, @Nullable UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return "card.moved";
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
        return java.util.Map.of("board_id", boardId.toString(), "from_stage_id", fromStageId.toString(), "to_stage_id", toStageId.toString(), "rank", rank);
    }
}
