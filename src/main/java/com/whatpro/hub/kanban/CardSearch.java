package com.whatpro.hub.kanban;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import com.whatpro.hub.platform.AccountId;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The cards of a board that a search matches, found from their search terms (table {@code card_search_terms}): at
 * most 500 candidates read off a b-tree by ranges of plain values, then the search's exact condition on those only,
 * so the cost follows the number of candidates and not the size of the board.
 */
@Component
class CardSearch {

    private final JdbcClient jdbc;

    CardSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The matching cards' ids by stage, or none when more than 500 cards are candidates (the caller then filters each
     * stage with {@link SearchTerms#condition()}).
     */
    Optional<Map<UUID, List<UUID>>> matches(AccountId account, UUID board, SearchTerms search) {
        var candidates = jdbc.sql("select kanban_search_candidates(:board, cast(:words as text[]), :digits)")
                .param("board", board).param("words", search.words().toArray(String[]::new))
                .param("digits", search.digits())
                .query((rs, n) -> rs.getArray(1) == null ? null : (UUID[]) rs.getArray(1).getArray()).optional();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        if (candidates.get().length == 0) {
            return Optional.of(Map.of());
        }
        var matches = jdbc.sql("""
                select c.stage_id, c.id from cards c
                where c.account_id = :account and c.board_id = :board and c.id = any(cast(:ids as uuid[])) and %s
                """.formatted(search.condition()))
                .param("account", account.value()).param("board", board).param("ids", candidates.get())
                .params(search.parameters())
                .query((rs, n) -> new Match(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class))).list();
        return Optional.of(matches.stream().collect(Collectors.groupingBy(Match::stage,
                Collectors.mapping(Match::card, Collectors.toList()))));
    }

    private record Match(UUID stage, UUID card) {
    }
}
