package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

/** Rate-limit headers and client addresses in the ordinary set-up: no trusted proxy. */
class RateLimitHeadersTests extends IntegrationTest {

    @Test
    void everyApiAnswerCarriesTheHeadersOfItsTightestLayer() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Headers Co");

        var response = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/users");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("RateLimit-Limit")).isEqualTo("1000000");
        assertThat(Long.parseLong(response.header("RateLimit-Remaining"))).isBetween(0L, 999_999L);
        assertThat(response.header("RateLimit-Reset")).isNotNull();
        assertThat(http().get("/health/live").header("RateLimit-Limit")).as("probes are not limited").isNull();
    }

    @Test
    void withoutATrustedProxyXForwardedForChangesNothing() {
        // the address sessions, audit rows and the per-address bucket all use
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Proxy Co");
        var login = http().with("X-Forwarded-For", "198.51.100.3")
                .post("/api/v1/auth/login", Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD));
        var sessions = http().bearer(login.json().get("access_token").asString()).get("/api/v1/auth/sessions");
        assertThat(sessions.json().get("items").findValuesAsString("ip_address")).containsOnly("127.0.0.1");
    }
}
