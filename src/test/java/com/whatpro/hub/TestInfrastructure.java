package com.whatpro.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.whatpro.hub.platform.embedded.EmbeddedPostgres;
import com.whatpro.hub.platform.embedded.EmbeddedRedis;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;

/**
 * The servers the tests run against, once per JVM: the PostgreSQL and Redis named by
 * WHATPRO_TEST_DATABASE_URL / WHATPRO_TEST_REDIS_URL, or embedded ones. Each JVM gets a database
 * of its own, so runs never see each other's rows, and drops it when it exits.
 */
public final class TestInfrastructure {

    private static final String RUN = HexFormat.of().formatHex(randomBytes(4));
    private static volatile Map<String, String> properties;

    private TestInfrastructure() {
    }

    public record Database(String url, String username, String password) {

        /** Runs a statement on its own connection as this role (the owner: past row-level security). */
        public void execute(String statement) throws java.sql.SQLException {
            try (var connection = DriverManager.getConnection(url, username, password);
                    var run = connection.createStatement()) {
                run.execute(statement);
            }
        }

        /** The first column of the first row a query answers, as text; null when it answers no row (yet). */
        public @Nullable String value(String query) throws java.sql.SQLException {
            try (var connection = DriverManager.getConnection(url, username, password);
                    var statement = connection.createStatement(); var rows = statement.executeQuery(query)) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static Database owner;
    private static String redisUrl;
    private static WireMockServer chatwoot;

    public static synchronized Map<String, String> properties() {
        if (properties == null) {
            properties = start();
        }
        return properties;
    }

    /** The owner (migrating) account of the test database: a superuser on the test server. */
    public static Database owner() {
        properties();
        return owner;
    }

    public static String redisUrl() {
        properties();
        return redisUrl;
    }

    /** The fake Chatwoot every test context is configured with (SSO and the bridge talk to it). */
    public static WireMockServer chatwoot() {
        properties();
        return chatwoot;
    }

    private static Map<String, String> start() {
        owner = database();
        redisUrl = redis();
        chatwoot = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        chatwoot.start();
        Runtime.getRuntime().addShutdownHook(new Thread(chatwoot::stop));
        var dataDir = Path.of("target", "test-data-" + RUN).toAbsolutePath();
        var props = new LinkedHashMap<String, String>();
        props.put("whatpro.data-dir", dataDir.toString());
        props.put("whatpro.database.url", owner.url());
        props.put("whatpro.database.username", owner.username());
        props.put("whatpro.database.password", owner.password());
        props.put("whatpro.database.pool-size", "10");
        props.put("whatpro.redis.url", redisUrl);
        props.put("whatpro.redis.key-prefix", "test-" + RUN + ":");
        props.put("whatpro.encryption-key", Base64.getEncoder().encodeToString(randomBytes(32)));
        props.put("whatpro.identity.bootstrap.admin-email", "root@whatpro.test");
        props.put("whatpro.identity.bootstrap.admin-password", "bootstrap-password-for-tests");
        props.put("whatpro.chatwoot.url", chatwoot.baseUrl());
        props.put("whatpro.chatwoot.read-timeout", "2s");
        // the tenants' Chatwoot and providers are WireMock fakes on loopback; a test class closes it by setting
        // whatpro.test.outbound-allowed (OutboundRequestsTests)
        props.put("whatpro.outbound.allowed", "${whatpro.test.outbound-allowed:" + TestOutbound.LOOPBACK_SETTING + "}");
        return Map.copyOf(props);
    }

    private static Database database() {
        var url = System.getenv("WHATPRO_TEST_DATABASE_URL");
        var embedded = url == null || url.isBlank();
        Database server;
        if (embedded) {
            // it stops itself when the JVM exits
            var postgres = EmbeddedPostgres.start(Path.of("target", "test-infra", "postgres").toAbsolutePath());
            server = new Database(postgres.jdbcUrl("postgres"), postgres.superuser(), postgres.superuserPassword());
        } else {
            server = new Database(url, env("WHATPRO_TEST_DATABASE_USERNAME", "postgres"),
                    env("WHATPRO_TEST_DATABASE_PASSWORD", ""));
        }
        var name = "whatpro_test_" + RUN;
        try (var connection = DriverManager.getConnection(server.url(), server.username(), server.password());
                var statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test database on " + server.url(), e);
        }
        if (!embedded) {
            dropOnExit(server, name);
        }
        return new Database(withDatabase(server.url(), name), server.username(), server.password());
    }

    /**
     * A server the run does not own keeps nothing of it: the run's database goes when the JVM exits, after Spring
     * Boot has closed every application context (its shutdown handlers run only then).
     */
    private static void dropOnExit(Database server, String name) {
        SpringApplication.getShutdownHandlers().add(() -> {
            try (var connection = DriverManager.getConnection(server.url(), server.username(), server.password());
                    var statement = connection.createStatement()) {
                statement.execute("drop database if exists " + name + " with (force)");
            } catch (SQLException e) {
                System.err.println("The test database " + name + " is left on " + server.url() + ": "
                        + e.getMessage());
            }
        });
    }

    private static String redis() {
        var url = System.getenv("WHATPRO_TEST_REDIS_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        var embedded = EmbeddedRedis.start(Path.of("target", "test-infra", "redis").toAbsolutePath());
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
        return embedded.url();
    }

    static String withDatabase(String jdbcUrl, String database) {
        var queryAt = jdbcUrl.indexOf('?');
        var base = queryAt < 0 ? jdbcUrl : jdbcUrl.substring(0, queryAt);
        var query = queryAt < 0 ? "" : jdbcUrl.substring(queryAt);
        var slash = base.indexOf('/', "jdbc:postgresql://".length());
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + query;
    }

    private static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static byte[] randomBytes(int n) {
        var bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static Path scratch(String name) throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "scratch-" + RUN, name).toAbsolutePath());
    }
}
