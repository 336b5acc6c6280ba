package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiKeysTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant acme;
    String users;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Keys Co");
        users = "/api/v1/accounts/" + acme.id() + "/users";
    }

    @Test
    void theKeyIsShownOnceAndStoredOnlyAsAHash() throws Exception {
        var created = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/api-keys",
                Map.of("name", "CRM sync", "scopes", List.of("users:read")));

        assertThat(created.status()).isEqualTo(201);
        var key = created.json().get("key").asString();
        assertThat(key).startsWith("wph_").startsWith(created.json().get("prefix").asString() + "_");
        var listed = http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/api-keys");
        assertThat(listed.body()).doesNotContain(key.substring("wph_".length() + 13)).doesNotContain("\"key\"");
        var secret = key.substring("wph_".length() + 13);
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var rs = connection.createStatement().executeQuery("select secret_hash::text, key_id from api_keys")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).doesNotContain(secret);
            }
        }
    }

    @Test
    void aKeyWorksAsBearerOrHeaderWithinItsScopes() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");

        assertThat(http().bearer(key).get(users).status()).isEqualTo(200);
        assertThat(http().with("X-API-Key", key).get(users).status()).isEqualTo(200);
        assertThat(http().with("X-API-Key", key).get("/api/v1/accounts/" + acme.id() + "/teams").status()).isEqualTo(200);
    }

    @Test
    void aKeyStopsWorkingWhileItsAccountsPlanLacksApiKeys() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        var entitlements = "/api/v1/accounts/" + acme.id() + "/entitlements";
        assertThat(http().bearer(key).get(users).status()).isEqualTo(200);

        var off = http().bearer(fixtures.superAdmin()).put(entitlements, Map.of("features", Map.of("api_keys", false)));
        assertThat(off.status()).as(off.body()).isEqualTo(200);

        for (var refused : List.of(http().bearer(key).get(users), http().with("X-API-Key", key).get(users),
                http().bearer(key).get("/api/v1/auth/me"))) {
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:whatpro:problem:feature-not-included");
            assertThat(refused.json().get("feature").asString()).isEqualTo("api_keys");
        }
        assertThat(http().bearer(acme.admin().token()).get(users).status()).isEqualTo(200);

        var on = http().bearer(fixtures.superAdmin()).put(entitlements, Map.of("features", Map.of()));
        assertThat(on.status()).as(on.body()).isEqualTo(200);

        assertThat(http().bearer(key).get(users).status()).isEqualTo(200);
    }

    @Test
    void aKeyWithoutTheScopeIsForbidden() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "boards:read");

        var response = http().bearer(key).get(users);
        var write = http().bearer(key).post(users, Map.of("email", Fixtures.uniqueEmail("k"), "name", "K", "role", "agent"));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("detail").asString()).contains("users:read");
        assertThat(write.status()).isEqualTo(403);
        assertThat(http().bearer(key).get("/api/v1/accounts/" + acme.id() + "/api-keys").status()).isEqualTo(403);
    }

    @Test
    void aKeyCannotReachAnotherAccount() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        var other = fixtures.createAccount("Other Co");

        assertThat(http().bearer(key).get("/api/v1/accounts/" + other + "/users").status()).isEqualTo(404);
    }

    @Test
    void aRevokedKeyStopsAtOnce() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        assertThat(http().bearer(key).get(users).status()).isEqualTo(200);
        var id = http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/api-keys")
                .json().get("items").get(0).get("id").asString();

        assertThat(http().bearer(acme.admin().token()).delete("/api/v1/accounts/" + acme.id() + "/api-keys/" + id)
                .status()).isEqualTo(204);

        assertThat(http().bearer(key).get(users).status()).isEqualTo(401);
        assertThat(SecurityEventsRecorder.seen(ApiKeyRevoked.class)).anyMatch(e -> e.keyId().toString().equals(id));
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        var keyId = key.substring(4, 16);
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("update api_keys set expires_at = now() - interval '1 second' where key_id = ?")) {
            statement.setString(1, keyId);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }

        assertThat(http().bearer(key).get(users).status()).isEqualTo(401);
    }

    @Test
    void aTamperedKeyIsRefused() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        var tampered = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");

        assertThat(http().bearer(tampered).get(users).status()).isEqualTo(401);
    }

    @Test
    void scopesAndExpiryAreValidated() {
        var admin = http().bearer(acme.admin().token());
        var keys = "/api/v1/accounts/" + acme.id() + "/api-keys";

        assertThat(admin.post(keys, Map.of("name", "x", "scopes", List.of("root:all"))).status()).isEqualTo(422);
        assertThat(admin.post(keys, Map.of("name", "x", "scopes", List.of())).status()).isEqualTo(422);
        assertThat(admin.post(keys, Map.of("name", "x", "scopes", List.of("users:read"),
                "expires_at", Instant.now().minusSeconds(5).toString())).status()).isEqualTo(422);
    }

    @Test
    void lastUseIsRecorded() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        http().bearer(key).get(users);

        var listed = http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/api-keys")
                .json().get("items").get(0);
        assertThat(listed.get("last_used_at").isNull()).isFalse();
        assertThat(SecurityEventsRecorder.seen(ApiKeyCreated.class)).isNotEmpty();
    }

    /** Found in review: an expiry PostgreSQL cannot hold was a 500. */
    @Test
    void anExpiryBeyondTheYear9999IsRefused() {
        var keys = http().bearer(acme.admin().token());
        var path = "/api/v1/accounts/" + acme.id() + "/api-keys";

        var refused = keys.post(path, Map.of("name", "far", "scopes", List.of("users:read"),
                "expires_at", "+300000-01-01T00:00:00Z"));
        var latest = keys.post(path, Map.of("name", "late", "scopes", List.of("users:read"),
                "expires_at", "9999-12-31T23:59:59Z"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("expires_at");
        assertThat(latest.status()).as(latest.body()).isEqualTo(201);
        assertThat(keys.get(path).json().get("items")).hasSize(1);
    }
}
