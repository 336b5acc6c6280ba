package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.WhatProHub;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The no-configuration default: embedded PostgreSQL and Redis under the data dir, migrated,
 * with a bootstrap super_admin, and the same data after a restart.
 */
class EmbeddedDefaultTests {

    @Test
    void theEmbeddedDefaultKeepsItsDataAcrossARestart() throws Exception {
        var dataDir = Files.createDirectories(Path.of("target", "embedded-default-" + System.nanoTime()).toAbsolutePath());
        long accountId;
        try (var first = start(dataDir)) {
            var http = http(first);
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            var token = login(http);
            var created = http.bearer(token).post("/api/v1/accounts", Map.of("name", "Survivor"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            accountId = created.json().get("id").asLong();
        }

        try (var second = start(dataDir)) {
            var http = http(second);
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
            var account = http.bearer(login(http)).get("/api/v1/accounts/" + accountId);
            assertThat(account.status()).isEqualTo(200);
            assertThat(account.json().get("name").asString()).isEqualTo("Survivor");
        }
        assertThat(dataDir.resolve("encryption.key")).exists();
        assertThat(dataDir.resolve("postgres")).isDirectory();
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(WhatProHub.class).run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--whatpro.data-dir=" + dataDir,
                "--whatpro.database.url=",
                "--whatpro.redis.url=",
                "--whatpro.encryption-key=",
                "--whatpro.identity.bootstrap.admin-email=owner@embedded.test",
                "--whatpro.identity.bootstrap.admin-password=embedded-default-password");
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return TestHttp.at(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    private static String login(TestHttp http) {
        var response = http.post("/api/v1/auth/login",
                Map.of("email", "owner@embedded.test", "password", "embedded-default-password"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }
}
