package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Revocation on one node stops the token on the very next request on every other node. */
class RevocationAcrossNodesTests extends IntegrationTest {

    static SecondNode other;

    @BeforeAll
    static void startSecondNode() {
        other = SecondNode.start();
    }

    @AfterAll
    static void stopSecondNode() {
        other.close();
    }

    @Test
    void aLoggedOutSessionIsRefusedByTheOtherNodeAtOnce() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Two Nodes");
        var token = tenant.admin().token();
        assertThat(other.http().bearer(token).get("/api/v1/auth/me").status()).isEqualTo(200);

        assertThat(http().bearer(token).post("/api/v1/auth/logout", "").status()).isEqualTo(204);

        assertThat(other.http().bearer(token).get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void aRevokedApiKeyIsRefusedByTheOtherNodeAtOnce() {
        var fixtures = new Fixtures(http());
        var tenant = fixtures.tenant("Two Nodes Keys");
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "users:read");
        var users = "/api/v1/accounts/" + tenant.id() + "/users";
        assertThat(other.http().bearer(key).get(users).status()).isEqualTo(200);
        var keyId = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/api-keys")
                .json().get("items").get(0).get("id").asString();

        http().bearer(tenant.admin().token()).delete("/api/v1/accounts/" + tenant.id() + "/api-keys/" + keyId);

        assertThat(other.http().bearer(key).get(users).status()).isEqualTo(401);
    }
}
