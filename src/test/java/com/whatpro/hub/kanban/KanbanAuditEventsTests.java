package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * Every kanban mutation publishes a past-tense event, inside its transaction, naming the account,
 * the resource, the actor and what changed: the audit log is written from these.
 */
class KanbanAuditEventsTests extends IntegrationTest {

    @Test
    void everyMutationPublishesAnEventWithActorAndChanges() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Audited Co");
        var actor = tenant.admin().id();
        var admin = new KanbanClient(http(), tenant.admin().token(), tenant.id());
        var board = admin.board("Audited", Map.of());
        var boardId = board.get("id").asString();
        var a = KanbanClient.stage(board, "A");
        var b = KanbanClient.stage(board, "B");

        admin.http.patch(admin.base + "/boards/" + boardId, Map.of("name", "Audited 2"));
        var stage = admin.http.post(admin.base + "/boards/" + boardId + "/stages", Map.of("name", "Extra")).json().get("id").asString();
        admin.http.patch(admin.base + "/boards/" + boardId + "/stages/" + stage, Map.of("sla_hours", 4));
        var card = admin.card(boardId, a, "Audited card").get("id").asString();
        admin.patch(card, Map.of("title", "Audited card 2"));
        admin.patch(card, Map.of("assignee_id", actor.toString()));
        admin.move(card, Map.of("stage_id", b));
        var item = admin.http.post(admin.base + "/cards/" + card + "/checklist", Map.of("text", "Check")).json().get("id").asString();
        admin.http.patch(admin.base + "/cards/" + card + "/checklist/" + item, Map.of("done", true));
        admin.http.delete(admin.base + "/cards/" + card + "/checklist/" + item);
        admin.patch(card, Map.of("archived", true));
        admin.http.delete(admin.base + "/cards/" + card);
        admin.http.delete(admin.base + "/boards/" + boardId + "/stages/" + stage);
        admin.http.delete(admin.base + "/boards/" + boardId);

        var boards = KanbanEventsRecorder.seen(BoardChanged.class).stream()
                .filter(e -> e.boardId().toString().equals(boardId)).toList();
        assertThat(boards).extracting(BoardChanged::action).containsExactly("board.created", "board.updated", "board.deleted");
        assertThat(boards).allMatch(e -> actor.equals(e.actor()) && e.account().value() == tenant.id());
        assertThat(boards.get(1).changes()).containsEntry("name", List.of("Audited", "Audited 2"));

        var stages = KanbanEventsRecorder.seen(StageChanged.class).stream()
                .filter(e -> e.boardId().toString().equals(boardId)).toList();
        assertThat(stages).extracting(StageChanged::action).containsExactly("stage.created", "stage.updated", "stage.deleted");
        assertThat(stages.get(1).changes()).containsKey("sla_hours");

        var cards = KanbanEventsRecorder.seen(CardChanged.class).stream()
                .filter(e -> e.cardId().toString().equals(card)).toList();
        assertThat(cards).extracting(CardChanged::action).containsExactly("card.created", "card.updated", "card.assigned",
                "card.archived", "card.deleted");
        assertThat(cards).allMatch(e -> actor.equals(e.actor()));
        assertThat(cards.get(1).changes()).containsEntry("title", List.of("Audited card", "Audited card 2"));

        var moves = KanbanEventsRecorder.seen(CardMoved.class).stream().filter(e -> e.cardId().toString().equals(card)).toList();
        assertThat(moves).singleElement().satisfies(move -> {
            assertThat(move.fromStageId().toString()).isEqualTo(a);
            assertThat(move.toStageId().toString()).isEqualTo(b);
            assertThat(move.actor()).isEqualTo(actor);
        });
        var checklist = KanbanEventsRecorder.seen(ChecklistChanged.class).stream()
                .filter(e -> e.cardId().toString().equals(card)).toList();
        assertThat(checklist).extracting(ChecklistChanged::action)
                .containsExactly("checklist_item.added", "checklist_item.updated", "checklist_item.removed");

        assertThat(KanbanEventsRecorder.allInTransaction()).isTrue();
    }

    @Test
    void kanbanChangesAppearInTheAuditLog() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Audit Trail Co");
        var admin = new KanbanClient(http(), tenant.admin().token(), tenant.id());
        var board = admin.board("Trail", Map.of());
        var card = admin.card(board.get("id").asString(), KanbanClient.stage(board, "A"), "Followed").get("id").asString();
        admin.move(card, Map.of("stage_id", KanbanClient.stage(board, "B")));

        var log = http().bearer(tenant.admin().token())
                .get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=card&resource_id=" + card);

        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.json().get("items").findValuesAsString("action")).contains("card.created", "card.moved");
        assertThat(log.json().get("items").get(0).get("actor").get("id").asString())
                .isEqualTo(tenant.admin().id().toString());
    }
}
