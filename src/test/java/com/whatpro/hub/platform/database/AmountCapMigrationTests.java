package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The migration that caps card amounts at 10^15 on a database that already holds larger ones: they are brought down
 * to the cap, recorded in the card's history, the stage totals follow, and the constraint then holds.
 */
class AmountCapMigrationTests {

    private static final String BEFORE_THE_CAP = "2026.12.05.0220";
    private static final long CAP = 1_000_000_000_000_000L;

    private ScratchDatabase database;

    @BeforeEach
    void createEmptyDatabase() throws SQLException {
        database = ScratchDatabase.create("amount_cap");
    }

    @AfterEach
    void dropIt() throws SQLException {
        database.close();
    }

    @Test
    void amountsAboveTheCapAreBroughtDownToItAndTheTotalsFollow() throws SQLException {
        database.migrate(BEFORE_THE_CAP);
        var huge = UUID.randomUUID();
        var small = UUID.randomUUID();
        var board = UUID.randomUUID();
        var stage = UUID.randomUUID();
        long account;
        try (var connection = database.connect()) {
            account = value(connection, "insert into accounts (name) values ('Big spender') returning id", Long.class);
            ScratchDatabase.execute(connection, "insert into boards (id, account_id, name) values ('" + board + "', "
                    + account + ", 'Sales')");
            ScratchDatabase.execute(connection, "insert into stages (id, account_id, board_id, name, position) "
                    + "values ('" + stage + "', " + account + ", '" + board + "', 'New', 0)");
            insertCard(connection, huge, account, board, stage, "a0", Long.MAX_VALUE, "BRL");
            insertCard(connection, small, account, board, stage, "a1", 500, "USD");
        }

        database.migrate(null);

        try (var connection = database.connect()) {
            assertThat(value(connection, "select amount_minor from cards where id = '" + huge + "'", Long.class))
                    .isEqualTo(CAP);
            assertThat(value(connection, "select version from cards where id = '" + huge + "'", Long.class))
                    .isEqualTo(2);
            assertThat(value(connection, "select amount_minor from cards where id = '" + small + "'", Long.class))
                    .isEqualTo(500);
            assertThat(value(connection, "select changes::text from card_history where card_id = '" + huge + "'",
                    String.class)).isEqualTo("{\"amount_minor\": [9223372036854775807, 1000000000000000]}");
            assertThat(value(connection, "select count(*) from card_history where card_id = '" + small + "'",
                    Long.class)).isZero();
            assertThat(value(connection, "select amount_minor from stage_totals where stage_id = '" + stage
                    + "' and currency = 'BRL'", BigDecimal.class)).isEqualByComparingTo(BigDecimal.valueOf(CAP));
            assertThat(value(connection, "select amount_minor from stage_totals where stage_id = '" + stage
                    + "' and currency = 'USD'", BigDecimal.class)).isEqualByComparingTo(BigDecimal.valueOf(500));
            assertThatThrownBy(() -> insertCard(connection, UUID.randomUUID(), account, board, stage, "a2", CAP + 1,
                    "BRL")).isInstanceOf(SQLException.class).hasMessageContaining("cards_amount_minor_cap");
            insertCard(connection, UUID.randomUUID(), account, board, stage, "a3", CAP, "BRL");
            assertThat(value(connection, "select amount_minor from stage_totals where stage_id = '" + stage
                    + "' and currency = 'BRL'", BigDecimal.class)).isEqualByComparingTo(BigDecimal.valueOf(2 * CAP));
        }
    }

    private static void insertCard(Connection connection, UUID id, long account, UUID board, UUID stage, String rank,
            long amount, String currency) throws SQLException {
        try (var insert = connection.prepareStatement("""
                insert into cards (id, account_id, board_id, stage_id, rank, title, amount_minor, currency)
                values (?, ?, ?, ?, ?, 'Deal', ?, ?)""")) {
            insert.setObject(1, id);
            insert.setLong(2, account);
            insert.setObject(3, board);
            insert.setObject(4, stage);
            insert.setString(5, rank);
            insert.setLong(6, amount);
            insert.setString(7, currency);
            insert.executeUpdate();
        }
    }

    private static <T> T value(Connection connection, String sql, Class<T> type) throws SQLException {
        return ScratchDatabase.value(connection, sql, type);
    }
}
