package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * With every pooled database connection taken (a burst the pool cannot serve), a request that needs one is told to
 * come back shortly (503 with Retry-After), not that something broke (500); nothing half-done is left, and once a
 * connection is free again the same request works.
 */
class PoolExhaustionTests extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Test
    void aRequestThatFindsNoFreeConnectionIsToldToComeBack() throws Exception {
        var tenant = new Fixtures(http()).tenant("Busy pool " + UUID.randomUUID());
        var admin = http().bearer(tenant.admin().token());
        var users = "/api/v1/accounts/" + tenant.id() + "/users";
        var teams = "/api/v1/accounts/" + tenant.id() + "/teams";
        assertThat(admin.get(users).status()).isEqualTo(200);

        var held = new ArrayList<Connection>();
        try {
            var size = ((HikariDataSource) dataSource).getMaximumPoolSize();
            while (held.size() < size) {
                held.add(dataSource.getConnection());
            }

            for (var response : List.of(admin.get(users), admin.post(teams, Map.of("name", "Sales")))) {
                assertThat(response.status()).as(response.body()).isEqualTo(503);
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.header("Retry-After")).isNotBlank();
                assertThat(response.json().get("type").asString()).endsWith("busy");
            }
            assertThat(http().get("/health/live").status()).isEqualTo(200);
        } finally {
            for (var connection : held) {
                connection.close();
            }
        }

        assertThat(admin.get(users).status()).isEqualTo(200);
        assertThat(admin.get(teams).json().get("items")).as("the refused create left nothing").isEmpty();
    }
}
