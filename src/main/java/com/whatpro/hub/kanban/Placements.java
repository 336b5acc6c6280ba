package com.whatpro.hub.kanban;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where a card goes in a stage: the rank between its new neighbours, computed while the stage
 * is locked (so two placements into one stage never pick the same gap). A placement writes the
 * card's own rank only; if ranks in a stage ever grow long, the stage is re-ranked once.
 */
@Component
class Placements {

    private static final UUID NOBODY = new UUID(0, 0);

    private final JdbcClient jdbc;
    private final BoardStream stream;

    Placements(JdbcClient jdbc, BoardStream stream) {
        this.jdbc = jdbc;
        this.stream = stream;
    }

    /**
     * The rank for {@code moving} (null for a new card) in the locked {@code stage}: right after
     * {@code after} when given (it wins if {@code before} is no longer its neighbour), else right
     * before {@code before}, else at the end.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String rank(AccountId account, Stages.Stage stage, @Nullable UUID moving, @Nullable UUID after,
            @Nullable UUID before) {
        var self = moving == null ? NOBODY : moving;
        if (self.equals(after)) {
            throw ApiProblem.invalid("after_card_id", "must be another card than the one moved");
        }
        if (self.equals(before)) {
            throw ApiProblem.invalid("before_card_id", "must be another card than the one moved");
        }
        var rank = compute(account, stage, self, after, before);
        if (rank.length() > Ranks.REBALANCE_ABOVE) {
            rebalance(account, stage);
            rank = compute(account, stage, self, after, before);
        }
        return rank;
    }

    private String compute(AccountId account, Stages.Stage stage, UUID self, @Nullable UUID after, @Nullable UUID before) {
        String beforeRank = before == null ? null : rankOf(account, stage, before)
                .orElseThrow(() -> ApiProblem.invalid("before_card_id", "must be a card of the target stage"));
        if (after != null) {
            var lower = rankOf(account, stage, after)
                    .orElseThrow(() -> ApiProblem.invalid("after_card_id", "must be a card of the target stage"));
            var upper = jdbc.sql("""
                    select rank from cards where account_id = :account and board_id = :board and stage_id = :stage
                    and rank > :rank and id <> :self order by rank limit 1
                    """)
                    .param("account", account.value()).param("board", stage.boardId()).param("stage", stage.id())
                    .param("rank", lower).param("self", self).query(String.class).optional().orElse(null);
            return Ranks.between(lower, upper);
        }
        if (beforeRank != null) {
            var lower = jdbc.sql("""
                    select rank from cards where account_id = :account and board_id = :board and stage_id = :stage
                    and rank < :rank and id <> :self order by rank desc limit 1
                    """)
                    .param("account", account.value()).param("board", stage.boardId()).param("stage", stage.id())
                    .param("rank", beforeRank).param("self", self).query(String.class).optional().orElse(null);
            return Ranks.between(lower, beforeRank);
        }
        var last = jdbc.sql("""
                select rank from cards where account_id = :account and board_id = :board and stage_id = :stage
                and id <> :self order by rank desc limit 1
                """)
                .param("account", account.value()).param("board", stage.boardId()).param("stage", stage.id())
                .param("self", self).query(String.class).optional().orElse(null);
        return Ranks.between(last, null);
    }

    private Optional<String> rankOf(AccountId account, Stages.Stage stage, UUID card) {
        return jdbc.sql("select rank from cards where account_id = :account and id = :id and stage_id = :stage")
                .param("account", account.value()).param("id", card).param("stage", stage.id())
                .query(String.class).optional();
    }

    /** Gives every card of the stage a short rank, keeping their order (rare; one statement). */
    private void rebalance(AccountId account, Stages.Stage stage) {
        var ids = jdbc.sql("""
                select id from cards where account_id = :account and board_id = :board and stage_id = :stage
                order by rank
                """)
                .param("account", account.value()).param("board", stage.boardId()).param("stage", stage.id())
                .query(UUID.class).list();
        var ranks = Ranks.sequence(ids.size());
        jdbc.sql("""
                update cards c set rank = n.rank
                from unnest(cast(:ids as uuid[]), cast(:ranks as text[])) as n(id, rank)
                where c.account_id = :account and c.id = n.id
                """)
                .param("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
                .param("ranks", ranks.toArray(String[]::new)).param("account", account.value()).update();
        Map<String, String> payload = new LinkedHashMap<>();
        for (var i = 0; i < ids.size(); i++) {
            payload.put(ids.get(i).toString(), ranks.get(i));
        }
        stream.publish(account, stage.boardId(), "stage.reranked", Map.of("stage_id", stage.id(), "ranks", payload));
    }
}
