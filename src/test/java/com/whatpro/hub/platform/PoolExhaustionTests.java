package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.whatpro.hub.DrainedPool;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;

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

        try (var drained = DrainedPool.of(dataSource)) {
            for (var response : List.of(admin.get(users), admin.post(teams, Map.of("name", "Sales")))) {
                assertBusy(response);
            }
            assertThat(http().get("/health/live").status()).isEqualTo(200);
        }

        assertThat(admin.get(users).status()).isEqualTo(200);
        assertThat(admin.get(teams).json().get("items")).as("the refused create left nothing").isEmpty();
    }

    /**
     * A sign-in brings no credential, so no filter reads the database: its controller is the first to ask for a
     * connection, and the handler for what it raises answers.
     */
    @Test
    void aControllerThatFindsNoFreeConnectionIsToldToComeBack() throws Exception {
        var tenant = new Fixtures(http()).tenant("Busy handler " + UUID.randomUUID());
        var credentials = Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD);

        try (var drained = DrainedPool.of(dataSource)) {
            assertBusy(http().post("/api/v1/auth/login", credentials));
        }

        assertThat(http().post("/api/v1/auth/login", credentials).status()).isEqualTo(200);
    }

    /** A missing connection that a controller's work wrapped in an error of its own is the busy answer too. */
    @Test
    void aMissingConnectionInsideAnotherErrorIsStillToldToComeBack() {
        assertBusy(http().get("/api/v1/probe/wrapped-no-connection"));
        assertThat(http().get("/api/v1/probe/fault").status()).as("any other error stays a 500").isEqualTo(500);
    }

    private static void assertBusy(TestHttp.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.header("Retry-After")).isEqualTo("1");
        assertThat(response.json().get("type").asString()).isEqualTo(ApiProblem.TYPE_PREFIX + "busy");
        assertThat(response.json().get("retry_after").asLong()).isEqualTo(1);
    }
}
