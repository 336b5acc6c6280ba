package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.whatpro.hub.TestInfrastructure;

import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

/** An empty database of a test's own on the test server, and the name of its app role; both dropped on close. */
final class ScratchDatabase implements AutoCloseable {

    private final TestInfrastructure.Database server = TestInfrastructure.owner();
    private final String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String name;
    private final String role;

    private ScratchDatabase(String purpose) throws SQLException {
        this.name = "whatpro_" + purpose + "_" + suffix;
        this.role = "whatpro_" + purpose + "_app_" + suffix;
        onServer("create database " + name);
    }

    /** @param purpose a lower-case word that names the test's databases */
    static ScratchDatabase create(String purpose) throws SQLException {
        return new ScratchDatabase(purpose);
    }

    /** The database, reached as its owner. */
    DatabaseEndpoint owner() {
        var url = server.url();
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return new DatabaseEndpoint(base.substring(0, base.lastIndexOf('/') + 1) + name
                + (query < 0 ? "" : url.substring(query)), server.username(), server.password());
    }

    String role() {
        return role;
    }

    /** A password for the app role unique to this database. */
    String rolePassword() {
        return "scratch-password-" + suffix;
    }

    Connection connect() throws SQLException {
        var owner = owner();
        return DriverManager.getConnection(owner.url(), owner.username(), owner.password());
    }

    /** Applies the migrations up to {@code target} (a Flyway version), or all of them. */
    void migrate(@Nullable String target) {
        var owner = owner();
        var flyway = Flyway.configure()
                .dataSource(owner.url(), owner.username(), owner.password())
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", role))
                .cleanDisabled(true);
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }

    /** The first column of the first row {@code sql} answers, which must have one. */
    static <T> T value(Connection connection, String sql, Class<T> type) throws SQLException {
        try (var rows = connection.createStatement().executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getObject(1, type);
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        onServer("drop database if exists " + name + " with (force)");
        onServer("drop role if exists " + role);
    }

    private void onServer(String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(server.url(), server.username(), server.password())) {
            execute(connection, sql);
        }
    }
}
