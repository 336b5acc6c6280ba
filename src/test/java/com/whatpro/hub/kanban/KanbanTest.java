package com.whatpro.hub.kanban;

import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.BeforeEach;

import tools.jackson.databind.JsonNode;

/**
 * Kanban stories told by the admin of a new tenant on a new board of stages A, B, C, W (won) and L (lost),
 * as {@link KanbanClient#board(String, Map)} makes it; every test gets its own.
 */
abstract class KanbanTest extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    KanbanClient admin;
    JsonNode board;
    String boardId;

    @BeforeEach
    void newTenantWithABoard() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant(getClass().getSimpleName());
        admin = new KanbanClient(http(), tenant.admin().token(), tenant.id());
        board = admin.board("Pipeline", Map.of());
        boardId = board.get("id").asString();
    }

    String stage(String name) {
        return KanbanClient.stage(board, name);
    }
}
