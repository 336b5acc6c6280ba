package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several replicas of the hub starting at once on an empty database, as a Kubernetes Deployment does. */
class MigrationsTests {

    private final String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String database = "whatpro_replicas_" + suffix;
    private final String role = "whatpro_replicas_app_" + suffix;
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
    void replicasStartingTogetherMigrateOnceAndAllStart() throws SQLException {
        var owner = new DatabaseEndpoint(urlOf(database), server.username(), server.password());
        var appRole = new AppRole(role, "replica-password-" + suffix);
        var ready = new CountDownLatch(1);
        var replicas = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < 3; i++) {
            replicas.add(CompletableFuture.runAsync(() -> {
                awaitQuietly(ready);
                Migrations.migrate(owner, appRole);
            }));
        }
        ready.countDown();

        CompletableFuture.allOf(replicas.toArray(CompletableFuture[]::new)).join(); // none failed

        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var rows = connection.createStatement().executeQuery("""
                        select count(*), count(distinct version), bool_and(success) from flyway_schema_history
                        where version is not null""")) {
            rows.next();
            assertThat(rows.getInt(1)).as("every migration applied once").isPositive().isEqualTo(rows.getInt(2));
            assertThat(rows.getBoolean(3)).isTrue();
        }
        try (var connection = DriverManager.getConnection(owner.url(), role, appRole.password());
                var rows = connection.createStatement().executeQuery("select current_user")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(role);
        }
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
