package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Card search through the search terms: the same cards, in the same order, as the search that filtered every stage
 * (kept here as {@link #oldSearch}), whatever path a search takes; the terms follow every card change and stay within
 * their account.
 */
class CardSearchTests extends KanbanTest {

    /** The search before the term table, as Cards matched it (with its own copy of the word rule). */
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    CardSearch search;

    @Test
    void findsWhatTheOldSearchFoundInTheSameOrder() throws Exception {
        card("A", "Solar panels", "Maria Souza", "+55 11 91234-5678");
        card("A", "Wind farm", null, null);
        card("B", "Office chairs", "João Lima", null);
        card("B", "Deal 4242", "Ana Souza", "+5511900004242");
        card("C", "Deal 42421", "Bruno Lima", "+55 (11) 98888-7777");
        card("C", "Deal 14242", "Carla Dias", "+1 555 424 2000");
        card("A", "foo-bar baz", "José Müller", "4242");
        card("B", "Straße 1.5 kg", "Jose\u0301 Decomposed", "0800 424 242");
        card("W", "İstanbul trip", "Fábio Melo", "+90 212 555 0000");
        card("W", "Email ana@example.com", null, null);
        card("L", "abc123 123abc a1b2", "Ǆemo", "12");
        card("A", "½ price, 2024-12-04", "Zoë Übergröße", "+44 20 7946 0958");
        card("C", "日本語 テスト deal", "Ana", "(11) 4242-4242");
        card("B", "DEAL closing", "FÁBIO", null);
        var archived = card("A", "Deal archived 4242", "Ana Souza", "+55 11 4242 0000");
        assertThat(admin.patch(archived, Map.of("archived", true)).status()).isEqualTo(200);

        var queries = List.of("deal", "DEAL", "de", "d", "souza", "sou", "maria souza", "souza maria", "ana", "joão",
                "joao", "JOÃO", "jose", "josé", "José", "fábio", "fabio", "müller", "straße", "strasse", "İstanbul",
                "istanbul", "4242", "91234", "9123", "912", "+55 11 91234", "(11) 98888-7777", "98888-7777", "7777",
                "5511", "55 11", "11", "deal 4242", "solar 4242", "solar 5678", "sol pan", "panels solar", "foo-bar",
                "foo", "bar", "ana@example.com", "example", "1.5", "1", "½", "abc123", "123abc", "a1b2", "ǆ", "日本",
                "テスト", "zoë", "übergr", "2024", "12-04", "424 242", "0800", "zzzz", "xyzzy 0000", "4243",
                "a b c d e f g h deal", "deal, 4242!", "   ", "!!!");
        var paths = new LinkedHashMap<String, Boolean>();
        for (var q : queries) {
            assertThat(apiSearch(q, "", 2)).as("q=%s", q).containsExactlyElementsOf(oldSearch(q, false));
            assertThat(apiSearch(q, "&archived=true", 50)).as("archived, q=%s", q)
                    .containsExactlyElementsOf(oldSearch(q, true));
            SearchTerms.of(q).ifPresent(terms -> paths.put(q, matches(terms)));
        }
        assertThat(paths).as("every search with words went through the terms").doesNotContainValue(false)
                .hasSizeGreaterThan(60);
        assertThat(apiSearch("deal", "", 50)).hasSize(5);
        assertThat(apiSearch("4242", "", 50)).hasSize(6);
        assertThat(apiSearch("zzzz", "", 50)).isEmpty();
    }

    @Test
    void moreThan500CandidatesSearchTheBoardAsBefore() throws Exception {
        owner("""
                insert into cards (id, account_id, board_id, stage_id, rank, title, contact_name, contact_phone)
                select gen_random_uuid(), %d, '%s', (array['%s', '%s', '%s']::uuid[])[1 + i %% 3],
                       'a0' || lpad(i::text, 9, '0') || '1', 'Bulk ' || i, 'Bulk Contact', '+55 11 9' || lpad(i::text, 8, '0')
                from generate_series(1, 520) i
                """.formatted(tenant.id(), boardId, stage("A"), stage("B"), stage("C")));
        card("B", "Bulk special", null, null);

        assertThat(matches(SearchTerms.of("bulk").orElseThrow())).isFalse();
        assertThat(matches(SearchTerms.of("5511").orElseThrow())).isFalse();
        assertThat(matches(SearchTerms.of("bulk 7").orElseThrow())).isTrue();
        assertThat(matches(SearchTerms.of("bulk special").orElseThrow())).isTrue();
        for (var q : List.of("bulk", "bulk contact", "5511", "bulk 7", "bulk special", "0000 0", "contact 51")) {
            assertThat(apiSearch(q, "", 50)).as("q=%s", q).containsExactlyElementsOf(oldSearch(q, false));
            assertThat(apiSearch(q, "&stage_id=" + stage("B"), 7)).as("stage B, q=%s", q)
                    .containsExactlyElementsOf(oldSearch(q, false).stream().filter(id -> stageOf(id).equals(stage("B")))
                            .toList());
        }
        assertThat(apiSearch("bulk", "", 50)).hasSize(521);
    }

    @Test
    void anotherAccountsCardsAndTermsStayOutOfSight() throws Exception {
        var mine = card("A", "Solar panels", "Maria Souza", "+55 11 91234-5678");
        var other = fixtures.tenant("Other Search Co");
        var otherAdmin = new KanbanClient(http(), other.admin().token(), other.id());
        var otherBoard = otherAdmin.board("Deals", Map.of());
        var theirs = otherAdmin.card(otherBoard.get("id").asString(), Map.of("stage_id",
                KanbanClient.stage(otherBoard, "A"), "title", "Solar panels",
                "contact", Map.of("name", "Maria Souza", "phone", "+55 11 91234-5678"))).get("id").asString();

        for (var q : List.of("solar", "souza", "91234", "solar panels 5678")) {
            assertThat(apiSearch(q, "", 50)).as(q).containsExactly(mine);
        }
        var otherBoardId = UUID.fromString(otherBoard.get("id").asString());
        var seen = asTenant(() -> jdbc.sql(
                "select count(*) from card_search_terms where board_id = :board or card_id = :card")
                .param("board", otherBoardId).param("card", UUID.fromString(theirs)).query(Long.class).single());
        var candidates = asTenant(() -> jdbc.sql(
                "select cardinality(kanban_search_candidates(:board, array['solar'], ''))")
                .param("board", otherBoardId).query(Integer.class).single());
        assertThat(seen).isZero();
        assertThat(candidates).isZero();
        assertThat(owner("select count(*) from card_search_terms where card_id = '" + theirs + "'")).isPositive();
        assertThatThrownBy(() -> asTenant(() -> jdbc.sql("""
                insert into card_search_terms (account_id, board_id, term, card_id) values (:account, :board, 'planted', :card)
                """).param("account", other.id()).param("board", otherBoardId).param("card", UUID.fromString(theirs))
                .update())).rootCause().hasMessageContaining("row-level security");
    }

    @Test
    void theTermsFollowTheCardsChangesAndDeletion() throws Exception {
        var card = card("A", "Solar panels", "Maria Souza", "+55 11 91234-5678");
        assertThat(apiSearch("solar", "", 50)).containsExactly(card);
        assertThat(terms(card)).isEqualTo(expectedTerms(card)).contains("solar", "souza", "91234", "5678");

        assertThat(admin.patch(card, Map.of("title", "Wind turbines")).status()).isEqualTo(200);
        assertThat(apiSearch("solar", "", 50)).isEmpty();
        assertThat(apiSearch("turbine", "", 50)).containsExactly(card);

        assertThat(admin.patch(card, Map.of("contact", Map.of("name", "Ana Lima", "phone", "+1 555 0100"))).status())
                .isEqualTo(200);
        assertThat(apiSearch("souza", "", 50)).isEmpty();
        assertThat(apiSearch("91234", "", 50)).isEmpty();
        assertThat(apiSearch("lima", "", 50)).containsExactly(card);
        assertThat(apiSearch("5550100", "", 50)).containsExactly(card);
        assertThat(terms(card)).isEqualTo(expectedTerms(card)).doesNotContain("solar", "souza", "91234", "5678");

        assertThat(admin.move(card, Map.of("stage_id", stage("B"))).status()).isEqualTo(200);
        assertThat(apiSearch("lima", "&stage_id=" + stage("B"), 50)).containsExactly(card);

        assertThat(admin.http.delete(admin.base + "/cards/" + card).status()).isEqualTo(204);
        assertThat(apiSearch("lima", "", 50)).isEmpty();
        assertThat(owner("select count(*) from card_search_terms where card_id = '" + card + "'")).isZero();
    }

    @Test
    void theServiceReadsTheTermsOffTheirIndex() {
        card("A", "Deal 4242", "Ana Souza", "+5511900004242");
        var board = UUID.fromString(boardId);
        var plan = asTenant(() -> {
            // as kanban_search_candidates runs its look-ups
            jdbc.sql("set local enable_bitmapscan = off").update();
            jdbc.sql("set local enable_seqscan = off").update();
            return String.join("\n", jdbc.sql("""
                    explain select t.card_id from card_search_terms t
                    where t.board_id = :board and t.term >= :low and t.term < :high limit 501
                    """).param("board", board).param("low", "4242").param("high", "4243").query(String.class).list());
        });
        var role = asTenant(() -> jdbc.sql("select current_user").query(String.class).single());

        assertThat(role).isEqualTo("whatpro_app");
        assertThat(plan).containsPattern("Index (Only )?Scan using card_search_terms_pkey")
                .containsPattern("Index Cond: .*board_id = .*term >= .*term < ");
    }

    // ---------------------------------------------------------------- helpers

    private String card(String stage, String title, String name, String phone) {
        var contact = new LinkedHashMap<String, Object>();
        if (name != null) {
            contact.put("name", name);
        }
        if (phone != null) {
            contact.put("phone", phone);
        }
        return admin.card(boardId, Map.of("stage_id", stage(stage), "title", title, "contact", contact))
                .get("id").asString();
    }

    /** The ids the API answers for {@code q}, walking every page of {@code limit} cards. */
    private List<String> apiSearch(String q, String more, int limit) {
        var ids = new ArrayList<String>();
        String cursor = null;
        do {
            var response = admin.http.get(admin.base + "/boards/" + boardId + "/cards?limit=" + limit + "&q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8) + more + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            response.json().get("items").forEach(card -> ids.add(card.get("id").asString()));
            var next = response.json().get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return ids;
    }

    /** The board's cards that the search before the term table matched, in stage and rank order. */
    private List<String> oldSearch(String q, boolean archived) throws SQLException {
        var tokens = TOKEN.matcher(q).results().map(m -> m.group().toLowerCase()).limit(8).toList();
        var digits = q.replaceAll("\\D", "");
        var condition = tokens.isEmpty() ? "true"
                : "(c.search @@ to_tsquery('simple', ?)"
                        + (digits.length() >= 4 ? " or regexp_replace(coalesce(c.contact_phone, ''), '\\D', '', 'g') like ?" : "")
                        + ")";
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("""
                        select c.id from cards c join stages s on s.id = c.stage_id
                        where c.board_id = ?::uuid and (c.archived_at is not null) = ? and %s
                        order by s.position, c.rank
                        """.formatted(condition))) {
            statement.setString(1, boardId);
            statement.setBoolean(2, archived);
            if (!tokens.isEmpty()) {
                statement.setString(3, String.join(" & ", tokens.stream().map(t -> t + ":*").toList()));
                if (digits.length() >= 4) {
                    statement.setString(4, "%" + digits + "%");
                }
            }
            var ids = new ArrayList<String>();
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    /** Whether the search goes through the terms (at most 500 candidates) rather than filtering every stage. */
    private boolean matches(SearchTerms terms) {
        return asTenant(() -> search.matches(AccountId.of(tenant.id()), UUID.fromString(boardId), terms)).isPresent();
    }

    private String stageOf(String card) {
        return admin.getCard(card).get("stage_id").asString();
    }

    private List<String> terms(String card) throws SQLException {
        return ownerList("select term from card_search_terms where card_id = '" + card + "' order by term");
    }

    private List<String> expectedTerms(String card) throws SQLException {
        return ownerList("select t from cards c, unnest(kanban_search_terms(c.search, c.contact_phone)) t where c.id = '"
                + card + "' order by t collate \"C\"");
    }

    private <T> T asTenant(java.util.concurrent.Callable<T> work) {
        return Tenancy.callAs(AccountId.of(tenant.id()), () -> transactions.execute(status -> {
            try {
                return work.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private static long owner(String sql) throws SQLException {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return statement.getUpdateCount();
            }
            try (var rs = statement.getResultSet()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> ownerList(String sql) throws SQLException {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
            var values = new ArrayList<String>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
