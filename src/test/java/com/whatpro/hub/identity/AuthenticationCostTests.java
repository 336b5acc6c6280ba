package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.QueriesByRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;

/**
 * What authenticating a request costs the database, counted per request ({@link QueriesByRequest}): a signed-in
 * user's token or an API key is checked with one statement on one connection (session or key, membership and the
 * account's status together), an API key's last use is written at most once a minute, and a credential that is not
 * of our making is refused without asking the database anything. The guarantees stay: a signed-out session, a
 * deactivated account and another tenant's account are still refused on the next request.
 */
@Import(QueriesByRequest.class)
class AuthenticationCostTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant acme;
    String users;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Cost Co");
        users = "/api/v1/accounts/" + acme.id() + "/users";
    }

    @Test
    void aSignedInUsersGuardedReadIsAuthenticatedInOneStatement() {
        // the first request also reads the account's plan for its rate limit, which is then remembered
        assertThat(http().bearer(acme.admin().token()).get(users).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            var sent = send(http().bearer(acme.admin().token()), users);

            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.calls()).as("the first connection of the request is the authentication's").startsWith(
                    "connection", "select * from identity_session_state(?, ?, ?)", "connection");
            assertThat(sent.calls()).as("nothing else reads the session or the account's status")
                    .filteredOn(sql -> sql.contains("sessions") || sql.contains("from accounts")
                            || sql.contains("identity_session_state"))
                    .hasSize(1);
        }
    }

    @Test
    void anApiKeyIsAuthenticatedInOneStatementAndItsLastUseWrittenAtMostOnceAMinute() {
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        assertThat(http().bearer(acme.admin().token()).get(users).status()).isEqualTo(200); // the plan, remembered

        var first = send(http().bearer(key), users);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.calls()).startsWith("connection", "select * from identity_api_key(?)");
        assertThat(first.calls()).as("a key never used before is marked used")
                .anySatisfy(sql -> assertThat(sql).startsWith("update api_keys set last_used_at"));

        for (int i = 0; i < 3; i++) {
            var again = send(http().with("X-API-Key", key), users);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.calls()).startsWith("connection", "select * from identity_api_key(?)", "connection");
            assertThat(again.calls()).as("used less than a minute ago: no write")
                    .noneSatisfy(sql -> assertThat(sql).contains("update api_keys"));
        }
        var listed = http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/api-keys")
                .json().get("items").get(0);
        assertThat(listed.get("last_used_at").isNull()).isFalse();
    }

    @Test
    void junkCredentialsAreRefusedWithoutAQuery() {
        var junk = List.of(
                http().bearer("not-a-token"),
                http().bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"),
                http().bearer(acme.admin().token() + "x"),
                http().bearer(acme.admin().token() + ".x"),
                http().bearer("." + acme.admin().token()),
                http().bearer(acme.admin().token().replaceFirst("\\.[^.]*\\.", "..")),
                http().bearer("wph_short"),
                http().bearer("wph_ABCDEFGHIJKL_" + "a".repeat(43)),
                http().with("X-API-Key", "wph_abcdefghijkl_" + "!".repeat(43)),
                http().with("X-API-Key", "sk_live_" + "0".repeat(40)));
        for (var client : junk) {
            var sent = send(client, users);

            assertThat(sent.status()).isEqualTo(401);
            assertThat(sent.calls()).as("refused before any query").isEmpty();
        }
    }

    @Test
    void theOneStatementStillRefusesEndedSessionsClosedAccountsAndOtherTenants() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var globex = fixtures.tenant("Other Cost Co");
        assertThat(http().bearer(agent.token()).get(users).status()).isEqualTo(200);

        assertThat(http().bearer(agent.token()).get("/api/v1/accounts/" + globex.id() + "/users").status())
                .as("another tenant's account").isEqualTo(404);
        assertThat(http().bearer(agent.token()).post("/api/v1/auth/logout", Map.of()).status()).isLessThan(300);
        assertThat(http().bearer(agent.token()).get(users).status()).as("signed out: refused at once").isEqualTo(401);

        assertThat(http().bearer(fixtures.superAdmin()).delete("/api/v1/accounts/" + globex.id()).status())
                .isEqualTo(204);
        assertThat(http().bearer(globex.admin().token()).get("/api/v1/accounts/" + globex.id() + "/users").status())
                .as("deactivated account").isEqualTo(404);
        assertThat(http().bearer(fixtures.superAdmin()).get("/api/v1/accounts/" + globex.id() + "/users").status())
                .as("a super_admin still reaches it").isEqualTo(200);
        assertThat(http().bearer(fixtures.superAdmin()).get("/api/v1/accounts/999999999/users").status())
                .as("no such account").isEqualTo(404);
    }

    private record Sent(int status, List<String> calls) {
    }

    private Sent send(com.whatpro.hub.TestHttp client, String path) {
        var requestId = "cost-" + UUID.randomUUID();
        var response = client.with("X-Request-Id", requestId).get(path);
        return new Sent(response.status(), QueriesByRequest.of(requestId).stream()
                .map(sql -> sql.strip().replaceAll("\\s+", " ")).toList());
    }
}
