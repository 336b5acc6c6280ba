package com.whatpro.hub.kanban;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves a card to a place in a stage of its board. Locks are always taken card first, then
 * target stage, so concurrent moves queue instead of deadlocking; under the stage lock the new
 * rank is computed from the current neighbours and only the moved card's row is written.
 */
@Service
class CardMoves {

    private final JdbcClient jdbc;
    private final Cards cards;
    private final Stages stages;
    private final Placements placements;
    private final CardHistory history;
    private final ApplicationEventPublisher events;
    private final BoardStream stream;

    CardMoves(JdbcClient jdbc, Cards cards, Stages stages, Placements placements, CardHistory history,
            ApplicationEventPublisher events, BoardStream stream) {
        this.jdbc = jdbc;
        this.cards = cards;
        this.stages = stages;
        this.placements = placements;
        this.history = history;
        this.events = events;
        this.stream = stream;
    }

    record Move(UUID stageId, @Nullable UUID afterCardId, @Nullable UUID beforeCardId) {
    }

    @Transactional
    public Cards.CardView move(AccountId account, UUID cardId, Move move, @Nullable Long ifMatch, Actor actor) {
        var card = cards.lock(account, cardId, ifMatch, actor);
        if (card.archived()) {
            throw ApiProblem.conflict("card-archived", "An archived card does not move; unarchive it first.");
        }
        var target = stages.lock(account, move.stageId()).filter(s -> s.boardId().equals(card.boardId()))
                .orElseThrow(() -> ApiProblem.invalid("stage_id", "must be a stage of the card's board"));
        var entering = !target.id().equals(card.stageId());
        if (entering) {
            if (target.hardLimit() && cards.liveCount(account, target) >= target.wipLimit()) {
                throw Stages.wipLimitReached(target);
            }
            if ("won".equals(target.kind())) {
                var open = jdbc.sql("""
                        select count(*) from checklist_items where account_id = :account and card_id = :card
                        and required and not done
                        """)
                        .param("account", account.value()).param("card", cardId).query(Long.class).single();
                var incoming = target.checklistTemplate().stream().anyMatch(Stages.TemplateItem::required);
                if (open > 0 || incoming) {
                    throw Stages.checklistIncomplete("The card has " + (open > 0 ? open : "template")
                            + " required checklist item(s) open; it enters a won stage only with all of them done.")
                            .with("required_open", open);
                }
            }
        }
        var rank = placements.rank(account, target, cardId, move.afterCardId(), move.beforeCardId());
        if (entering) {
            cards.receiveTemplate(account, cardId, target);
            history.record(account, cardId, card.boardId(), actor, "moved", card.stageId(), target.id(), Map.of());
        }
        var view = cards.place(account, cardId, target.id(), rank);
        events.publishEvent(new CardMoved(account, card.boardId(), cardId, card.stageId(), target.id(), rank, actor.id()));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("card", view);
        payload.put("from_stage_id", card.stageId());
        payload.put("to_stage_id", target.id());
        stream.publish(account, card.boardId(), "card.moved", payload);
        return view;
    }
}
