package com.whatpro.hub.platform.database;

import javax.sql.DataSource;

import com.whatpro.hub.platform.KeyMaterial;
import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.StartupFailure;
import com.whatpro.hub.platform.embedded.EmbeddedPostgres;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    static final String EMBEDDED_DATABASE = "whatpro";

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${whatpro.database.url:}'.isBlank()")
    EmbeddedPostgres embeddedPostgres(PlatformSettings settings) {
        try {
            var server = EmbeddedPostgres.start(settings.dataDir().resolve("postgres"));
            server.createDatabaseIfMissing(EMBEDDED_DATABASE);
            return server;
        } catch (RuntimeException e) {
            throw new StartupFailure("The embedded PostgreSQL did not start: " + e.getMessage(), "Fix what the lines "
                    + "above name, or set WHATPRO_DATABASE_URL to use a PostgreSQL of yours instead.", e);
        }
    }

    @Bean
    KeyMaterial keyMaterial(PlatformSettings settings) {
        return KeyMaterial.from(settings);
    }

    @Bean
    DataSource dataSource(PlatformSettings settings, KeyMaterial keys, ObjectProvider<EmbeddedPostgres> embedded) {
        var database = settings.database();
        var owner = database.embedded()
                ? embeddedOwner(embedded.getObject())
                : new DatabaseEndpoint(database.url(), database.username(), database.password());
        var appPassword = database.appPassword() == null || database.appPassword().isBlank()
                ? keys.deriveHex("database/" + database.appUsername())
                : database.appPassword();
        var appRole = new AppRole(database.appUsername(), appPassword);
        Migrations.migrate(owner, appRole);
        return pool(owner.as(appRole.username(), appRole.password()), database.poolSize());
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new TenantAwareTransactionManager(dataSource);
    }

    private static DatabaseEndpoint embeddedOwner(EmbeddedPostgres server) {
        return new DatabaseEndpoint(server.jdbcUrl(EMBEDDED_DATABASE), server.superuser(), server.superuserPassword());
    }

    private static HikariDataSource pool(DatabaseEndpoint app, int size) {
        var config = new HikariConfig();
        config.setPoolName("whatpro");
        config.setJdbcUrl(app.url());
        config.setUsername(app.username());
        config.setPassword(app.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 4));
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        // surviving a failover of the primary: a connection idle for a moment is tested before it is lent (Hikari's
        // default), idle ones are pinged every 30 s and every one is renewed after 10 min, so connections to a
        // primary that went away are dropped instead of handed to requests
        config.setKeepaliveTime(30_000);
        config.setMaxLifetime(600_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "whatpro-hub");
        return new HikariDataSource(config);
    }
}
