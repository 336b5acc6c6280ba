package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.WhatProHub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.PortInUseException;

@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

    private final StartupFailureAnalyzer analyzer = new StartupFailureAnalyzer();

    @TempDir
    Path tempDir;

    @Test
    void startWithPostgresDownEndsWithOnePlainSentenceNamingTheFix(CapturedOutput output) throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> start("--whatpro.database.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/whatpro"))
                .hasStackTraceContaining("Connection to 127.0.0.1:" + closedPort + " refused");

        List<String> lines = output.getOut().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines.getLast()).startsWith("Start PostgreSQL, or set WHATPRO_DATABASE_URL")
                .endsWith("or unset it to use the embedded one.");
        assertThat(output.getOut()).contains("Connection to 127.0.0.1:" + closedPort + " refused")
                .doesNotContain("\tat org.postgresql"); // a sentence, not a stack trace
        assertThat(lines).as("development logs are plain text").noneMatch(line -> line.startsWith("{"));
    }

    @Test
    void productionLogsJsonUnlessPlainIsAskedFor(CapturedOutput output) {
        assertThatThrownBy(() -> start("--whatpro.mode=production", "--whatpro.public-url="))
                .isInstanceOf(UnsafeSettingsException.class);
        String production = output.getOut();
        assertThat(production.lines().filter(line -> line.contains("WHATPRO_PUBLIC_URL")))
                .isNotEmpty().allMatch(line -> line.startsWith("{\"@timestamp\""));

        assertThatThrownBy(() -> start("--whatpro.mode=production", "--whatpro.public-url=", "--whatpro.log-format=plain"))
                .isInstanceOf(UnsafeSettingsException.class);
        String plain = output.getOut().substring(production.length());
        assertThat(plain.lines().filter(line -> !line.isBlank()).toList().getLast())
                .isEqualTo("Set WHATPRO_PUBLIC_URL (see the configuration table in docs/configuration.md).");
        assertThat(plain.lines()).as("this start's lines (another test context's pool may log meanwhile)")
                .noneMatch(line -> line.startsWith("{") && line.contains("\"thread_name\":\"main\""));
    }

    @Test
    void automationsThatCouldNeverRunNameTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--whatpro.automations.concurrency=0"));

        assertThat(output.getAll()).contains("WHATPRO_AUTOMATIONS_CONCURRENCY must be at least 1, was 0");
    }

    @Test
    void aQueueThatCouldNeverBeWorkedNamesTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--whatpro.gateway.worker.account-concurrency=0"));

        assertThat(output.getAll()).contains("WHATPRO_GATEWAY_WORKER_ACCOUNT_CONCURRENCY must be at least 1, was 0");
    }

    @Test
    void portInUseNamesThePortAndTheSetting() {
        var analysis = analyzer.analyze(new IllegalStateException("web server", new PortInUseException(8080)));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo("Port 8080 is already in use by another process.");
        assertThat(analysis.getAction()).contains("port 8080").contains("WHATPRO_PORT");
    }

    @Test
    void unknownDatabaseAccountNamesTheCredentialSettings() {
        var url = TestInfrastructure.owner().url();
        SQLException refused = null;
        try (var ignored = DriverManager.getConnection(url, "no_such_role_for_startup_tests", "wrong")) {
            // trust authentication would let a known role in; this one does not exist
        } catch (SQLException e) {
            refused = e;
        }
        assertThat((Throwable) refused).isNotNull();

        var analysis = analyzer.analyze(new IllegalStateException("migrations", refused));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getAction()).contains("WHATPRO_DATABASE_USERNAME").contains("WHATPRO_DATABASE_PASSWORD");
    }

    @Test
    void dataDirThatCannotBeWrittenNamesTheDirectoryAndTheSetting() throws IOException {
        Path file = Files.writeString(tempDir.resolve("a-file"), "not a directory");
        FileSystemException failure = null;
        try {
            Files.createDirectories(file.resolve("data"));
        } catch (FileSystemException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();

        var analysis = analyzer.analyze(new java.io.UncheckedIOException("key", failure));

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).startsWith("WhatPro Hub cannot write " + file);
        assertThat(analysis.getAction()).contains("WHATPRO_DATA_DIR");
    }

    @Test
    void leavesFailuresItDoesNotKnowToTheStackTrace() {
        assertThat(analyzer.analyze(new IllegalStateException("something else"))).isNull();
    }

    /** Starts the hub on the test database and Redis, with {@code overrides} ("name=value") replacing settings. */
    private void start(String... overrides) {
        var settings = new java.util.LinkedHashMap<String, String>(TestInfrastructure.properties());
        settings.put("whatpro.data-dir", tempDir.toString());
        settings.put("server.port", "0");
        settings.put("spring.main.banner-mode", "off");
        for (String override : overrides) {
            settings.put(override.substring(2, override.indexOf('=')), override.substring(override.indexOf('=') + 1));
        }
        var arguments = new ArrayList<String>();
        settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        new SpringApplicationBuilder(WhatProHub.class).run(arguments.toArray(String[]::new)).close();
    }
}
