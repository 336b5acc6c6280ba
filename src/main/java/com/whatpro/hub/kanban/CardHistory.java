package com.whatpro.hub.kanban;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The append-only timeline of a card, written in the transaction of each change. */
@Component
class CardHistory {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CardHistory(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    record ActorView(String type, @Nullable UUID id) {
    }

    record Entry(long seq, Instant at, ActorView actor, String action, @Nullable UUID fromStageId,
            @Nullable UUID toStageId, JsonNode changes) {
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(AccountId account, UUID card, UUID board, Actor actor, String action, @Nullable UUID from,
            @Nullable UUID to, Map<String, ? extends @Nullable Object> changes) {
        jdbc.sql("""
                insert into card_history (account_id, card_id, board_id, actor_type, actor_id, action, from_stage_id,
                                          to_stage_id, changes)
                values (:account, :card, :board, :type, :actor, :action, :from, :to, cast(:changes as jsonb))
                """)
                .param("account", account.value()).param("card", card).param("board", board)
                .param("type", actor.type()).param("actor", actor.id()).param("action", action)
                .param("from", from).param("to", to).param("changes", json.writeValueAsString(changes))
                .update();
    }

    /** Oldest first; {@code after} is the last {@code seq} of the previous page. */
    @Transactional(readOnly = true)
    public List<Entry> list(AccountId account, UUID card, long after, int limit) {
        return jdbc.sql("""
                select seq, at, actor_type, actor_id, action, from_stage_id, to_stage_id, changes::text
                from card_history where account_id = :account and card_id = :card and seq > :after
                order by seq limit :limit
                """)
                .param("account", account.value()).param("card", card).param("after", after).param("limit", limit)
                .query((rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                        new ActorView(rs.getString(3), rs.getObject(4, UUID.class)), rs.getString(5),
                        rs.getObject(6, UUID.class), rs.getObject(7, UUID.class), json.readTree(rs.getString(8))))
                .list();
    }
}
