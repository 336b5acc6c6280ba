package com.whatpro.hub.platform.database;

import static com.whatpro.hub.platform.database.ScratchDatabase.execute;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Users removed from an account before teams followed removals stayed in its teams; the migration that came with the
 * fix takes them out, and leaves every member of the account where they are.
 */
class StaleTeamMembersMigrationTests {

    private static final String BEFORE_THE_CLEAN_UP = "2026.12.05.0300";

    private ScratchDatabase database;

    @BeforeEach
    void createEmptyDatabase() throws SQLException {
        database = ScratchDatabase.create("stale_teams");
    }

    @AfterEach
    void dropIt() throws SQLException {
        database.close();
    }

    @Test
    void teamMembersWhoLeftTheAccountAreRemovedAndMembersStay() throws SQLException {
        database.migrate(BEFORE_THE_CLEAN_UP);
        var left = UUID.randomUUID();
        var stayed = UUID.randomUUID();
        var team = UUID.randomUUID();
        long account;
        try (var connection = database.connect()) {
            account = value(connection, "insert into accounts (name) values ('Teams') returning id");
            execute(connection, "insert into teams (id, account_id, name) values ('" + team + "', " + account
                    + ", 'Sales')");
            for (var user : new UUID[] {left, stayed}) {
                execute(connection, "insert into users (id, email, name) values ('" + user + "', '" + user
                        + "@example.test', 'User')");
                execute(connection, "insert into team_members (account_id, team_id, user_id) values (" + account
                        + ", '" + team + "', '" + user + "')");
            }
            execute(connection, "insert into memberships (account_id, user_id, role) values (" + account + ", '"
                    + stayed + "', 'agent')");
        }

        database.migrate(null);

        try (var connection = database.connect()) {
            assertThat(value(connection, "select count(*) from team_members where user_id = '" + left + "'")).isZero();
            assertThat(value(connection, "select count(*) from team_members where user_id = '" + stayed + "'"))
                    .isEqualTo(1);
        }
    }

    private static long value(Connection connection, String sql) throws SQLException {
        return ScratchDatabase.value(connection, sql, Long.class);
    }
}
