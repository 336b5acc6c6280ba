package com.whatpro.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The steps most stories start with, taken through the public API as a client would.
 */
public final class Fixtures {

    public static final String ADMIN_EMAIL = "root@whatpro.test";
    public static final String ADMIN_PASSWORD = "bootstrap-password-for-tests";
    public static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TestHttp http;
    private String superAdminToken;

    public Fixtures(TestHttp http) {
        this.http = http;
    }

    public record Member(UUID id, String email, String token) {
    }

    public record Tenant(long id, Member admin) {
    }

    public static String uniqueEmail(String who) {
        return who + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
    }

    public String superAdmin() {
        if (superAdminToken == null) {
            superAdminToken = login(ADMIN_EMAIL, ADMIN_PASSWORD);
        }
        return superAdminToken;
    }

    public String login(String email, String password) {
        var response = http.post("/api/v1/auth/login", Map.of("email", email, "password", password));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    public TestHttp.Response loginResponse(String email, String password) {
        return http.post("/api/v1/auth/login", Map.of("email", email, "password", password));
    }

    public long createAccount(String name) {
        return createAccount(name, null);
    }

    public long createAccount(String name, Long chatwootAccountId) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        if (chatwootAccountId != null) {
            body.put("chatwoot_account_id", chatwootAccountId);
        }
        var response = http.bearer(superAdmin()).post("/api/v1/accounts", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asLong();
    }

    /** A new tenant with its first admin, signed in. */
    public Tenant tenant(String name) {
        var account = createAccount(name);
        return new Tenant(account, member(superAdmin(), account, "admin"));
    }

    /** Adds a new user to the account with the given role (as the given admin) and signs them in. */
    public Member member(String adminToken, long account, String role) {
        var email = uniqueEmail(role);
        var response = http.bearer(adminToken).post("/api/v1/accounts/" + account + "/users",
                Map.of("email", email, "name", "Test " + role, "role", role, "password", PASSWORD));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return new Member(UUID.fromString(response.json().get("id").asString()), email, login(email, PASSWORD));
    }

    public String apiKey(String adminToken, long account, String... scopes) {
        var response = http.bearer(adminToken).post("/api/v1/accounts/" + account + "/api-keys",
                Map.of("name", "integration", "scopes", java.util.List.of(scopes)));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("key").asString();
    }
}
