package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.whatpro.hub.TestInfrastructure;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Users removed from an account before teams followed removals stayed in its teams; the migration that came with the
 * fix takes them out, and leaves every member of the account where they are.
 */
class StaleTeamMembersMigrationTests {

    private static final String BEFORE_THE_CLEAN_UP = "2026.12.05.0300";

    private final String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String database = "whatpro_stale_teams_" + suffix;
    private final String role = "whatpro_stale_teams_app_" + suffix;
    private final TestInfrastructure.Database server = TestInfrastructure.owner();

    @BeforeEach
    void createEmptyDatabase() throws SQLException {
        execute("create database " + database);
    }

    @AfterEach
    void dropIt() throws SQLException {
        execute("drop database if exists " + database + " with (force)");
        execute("drop role if exists " + role);
    }

    @Test
    void teamMembersWhoLeftTheAccountAreRemovedAndMembersStay() throws SQLException {
        migrate(BEFORE_THE_CLEAN_UP);
        var left = UUID.randomUUID();
        var stayed = UUID.randomUUID();
        var team = UUID.randomUUID();
        long account;
        try (var connection = connect()) {
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

        migrate(null);

        try (var connection = connect()) {
            assertThat(value(connection, "select count(*) from team_members where user_id = '" + left + "'")).isZero();
            assertThat(value(connection, "select count(*) from team_members where user_id = '" + stayed + "'"))
                    .isEqualTo(1);
        }
    }

    private void migrate(String target) {
        var flyway = Flyway.configure()
                .dataSource(urlOf(database), server.username(), server.password())
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", role))
                .cleanDisabled(true);
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }

    private static long value(Connection connection, String sql) throws SQLException {
        try (var rows = connection.createStatement().executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getLong(1);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(urlOf(database), server.username(), server.password());
    }

    private String urlOf(String name) {
        var url = server.url();
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : url.substring(query));
    }

    private void execute(String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(server.url(), server.username(), server.password());
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
