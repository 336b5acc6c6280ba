package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;

import org.junit.jupiter.api.Test;

/**
 * A path that hides a route's prefix behind percent-encoding, a matrix parameter, an empty or a dot segment never
 * reaches the route past the checks on that prefix.
 */
class CanonicalPathTests extends IntegrationTest {

    @Test
    void aPathThatEncodesALetterIsRefusedBeforeAnyRouteOrCheck() {
        var tenant = new Fixtures(http()).tenant("Encoded " + UUID.randomUUID());
        assertRefusedWithAndWithoutAToken(tenant, List.of("/%61pi/v1/accounts/" + tenant.id() + "/users",
                "/%61pi/v1/auth/me", "/api/v1/%61ccounts/" + tenant.id() + "/boards",
                "/api/v1/accounts/%3" + (tenant.id() % 10) + "/users", "/%77ebhooks/providers/x/y", "/%61pp/login",
                "/api/v1/auth/m%65"));
    }

    @Test
    void otherSpellingsOfARouteAreRefusedToo() {
        var tenant = new Fixtures(http()).tenant("Spelled " + UUID.randomUUID());
        assertRefusedWithAndWithoutAToken(tenant, List.of("/api;x=1/v1/accounts/" + tenant.id() + "/users",
                "/api;/v1/auth/me", "/api/v1;x/accounts/" + tenant.id() + "/users", "/webhooks;x/providers/x/y",
                "/app;x/login", "/api//v1/auth/me", "/api/v1/../v1/auth/me", "/api/./v1/auth/me"));
    }

    @Test
    void pathsSentAsUsualAndEncodingsThatAreNeededStillWork() {
        var tenant = new Fixtures(http()).tenant("Plain " + UUID.randomUUID());
        assertThat(http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/users").status())
                .isEqualTo(200);
        assertThat(http().get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(http().bearer(tenant.admin().token()).get("/api/v1/no%20such%2Broute").status()).isEqualTo(404);
    }

    private void assertRefusedWithAndWithoutAToken(Fixtures.Tenant tenant, List<String> paths) {
        for (var path : paths) {
            var anonymous = http().get(path);
            var signedIn = http().bearer(tenant.admin().token()).get(path);

            assertThat(anonymous.status()).as(path).isEqualTo(400);
            assertThat(anonymous.contentType()).as(path).startsWith("application/problem+json");
            assertThat(signedIn.status()).as(path).isEqualTo(400);
        }
    }
}
