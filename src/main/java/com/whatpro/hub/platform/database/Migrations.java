package com.whatpro.hub.platform.database;

import java.sql.SQLException;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Brings the schema up to date as the owner, then makes sure the service's role can log in with
 * the expected password. Every module keeps its scripts in {@code db/migration/<module>}.
 */
final class Migrations {

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    /** Advisory lock key held while the app role's password is set ("whatpro" + "role"). */
    private static final long APP_ROLE_LOCK = 0x77686174_726f6c65L;

    private Migrations() {
    }

    static void migrate(DatabaseEndpoint owner, AppRole appRole) {
        var dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), owner.url(),
                owner.username(), owner.password());
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", appRole.username()))
                .cleanDisabled(true)
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            log.info("Applied {} migration(s), schema now at version {}", result.migrationsExecuted,
                    result.targetSchemaVersion);
        }
        try (var connection = dataSource.getConnection()) {
            // replicas starting at once: Flyway serialises the migrations itself, this the role's password change
            connection.setAutoCommit(false);
            try (var lock = connection.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, APP_ROLE_LOCK);
                lock.execute();
            }
            appRole.ensurePassword(connection);
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the service's database role", e);
        }
    }
}
