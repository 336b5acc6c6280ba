package com.whatpro.hub.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several replicas of the hub starting at once on an empty database, as a Kubernetes Deployment does. */
class MigrationsTests {

    private ScratchDatabase database;

    @BeforeEach
    void createEmptyDatabase() throws SQLException {
        database = ScratchDatabase.create("replicas");
    }

    @AfterEach
    void dropIt() throws SQLException {
        database.close();
    }

    @Test
    void replicasStartingTogetherMigrateOnceAndAllStart() throws SQLException {
        var owner = database.owner();
        var appRole = new AppRole(database.role(), database.rolePassword());
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

        try (var connection = database.connect();
                var rows = connection.createStatement().executeQuery("""
                        select count(*), count(distinct version), bool_and(success) from flyway_schema_history
                        where version is not null""")) {
            rows.next();
            assertThat(rows.getInt(1)).as("every migration applied once").isPositive().isEqualTo(rows.getInt(2));
            assertThat(rows.getBoolean(3)).isTrue();
        }
        try (var connection = DriverManager.getConnection(owner.url(), appRole.username(), appRole.password());
                var rows = connection.createStatement().executeQuery("select current_user")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(database.role());
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
