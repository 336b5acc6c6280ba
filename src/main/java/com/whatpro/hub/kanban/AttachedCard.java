package com.whatpro.hub.kanban;

import java.util.UUID;

/** The card a conversation sits on; {@code created} when this call made the card. */
public record AttachedCard(UUID cardId, UUID boardId, UUID stageId, boolean created) {
}
