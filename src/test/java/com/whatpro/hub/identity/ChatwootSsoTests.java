package com.whatpro.hub.identity;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.chatwoot.ChatwootContract;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-in through Chatwoot against a fake Chatwoot whose every request is checked against
 * Chatwoot's published Application API.
 */
class ChatwootSsoTests extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    WireMockServer chatwoot = TestInfrastructure.chatwoot();
    Fixtures fixtures;
    long chatwootUser;
    long supportAccount;
    long salesAccount;
    long hubSupport;
    long hubSales;

    @BeforeEach
    void setUp() {
        chatwoot.resetAll();
        fixtures = new Fixtures(http());
        chatwootUser = ThreadLocalRandom.current().nextLong(1_000, 1_000_000_000);
        supportAccount = ThreadLocalRandom.current().nextLong(1_000, 1_000_000_000);
        salesAccount = supportAccount + 1;
        hubSupport = fixtures.createAccount("Support", supportAccount);
        hubSales = fixtures.createAccount("Sales", salesAccount);
    }

    @AfterEach
    void everyRequestMatchesChatwootsSpec() {
        if (!chatwoot.getAllServeEvents().isEmpty()) {
            ChatwootContract.applicationApi().assertEveryRequestConforms(chatwoot);
        }
    }

    @Test
    void signsInAndMapsKnownAccountsAndRoles() {
        var token = profile("pat-" + chatwootUser + "@example.test", List.of(
                account(supportAccount, "administrator"), account(salesAccount, "agent"), account(supportAccount + 99, "administrator")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("Set-Cookie")).startsWith("whatpro_refresh=").contains("HttpOnly", "SameSite=Strict");
        var me = http().bearer(response.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        var memberships = me.get("memberships");
        assertThat(memberships).hasSize(2);
        assertThat(roleIn(memberships, hubSupport)).isEqualTo("admin");
        assertThat(roleIn(memberships, hubSales)).isEqualTo("agent");
        chatwoot.verify(getRequestedFor(urlEqualTo("/api/v1/profile")).withHeader("api_access_token", equalTo(token)));
        assertThat(SecurityEventsRecorder.seen(UserLoggedIn.class))
                .anyMatch(e -> e.method().equals("chatwoot_sso") && e.userId().toString().equals(me.get("user").get("id").asString()));
    }

    @Test
    void theSameChatwootUserIsAlwaysTheSameHubUser() {
        var token = profile("sam-" + chatwootUser + "@example.test", List.of(account(supportAccount, "agent")));

        var first = http().post("/api/v1/auth/sso", Map.of("token", token)).json().get("user").get("id").asString();
        var second = http().post("/api/v1/auth/sso", Map.of("token", token)).json().get("user").get("id").asString();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void anExistingHubUserWithTheSameEmailIsLinkedAndKeepsAHigherRole() {
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");
        var supervisor = fixtures.member(admin.token(), hubSupport, "supervisor");
        var token = profile(supervisor.email(), List.of(account(supportAccount, "agent")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("user").get("id").asString()).isEqualTo(supervisor.id().toString());
        var me = http().bearer(response.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(me.get("memberships"), hubSupport)).isEqualTo("supervisor");
    }

    @Test
    void aTokenChatwootRejectsIsUnauthorized() {
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo("revoked-token"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[\"Invalid Access Token\"]}")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", "revoked-token"));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void anUnreachableChatwootIsServiceUnavailable() {
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo("any-token"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        var slow = "slow-token";
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo(slow))
                .willReturn(okJson("{}").withFixedDelay(3_000)));

        var reset = http().post("/api/v1/auth/sso", Map.of("token", "any-token"));
        var timedOut = http().post("/api/v1/auth/sso", Map.of("token", slow));

        assertThat(reset.status()).isEqualTo(503);
        assertThat(timedOut.status()).isEqualTo(503);
        assertThat(timedOut.json().get("detail").asString()).contains("Chatwoot");
    }

    @Test
    void aMissingTokenIsInvalidInput() {
        assertThat(http().post("/api/v1/auth/sso", Map.of("token", " ")).status()).isEqualTo(422);
        assertThat(chatwoot.getAllServeEvents()).isEmpty();
    }

    private String profile(String email, List<Map<String, Object>> accounts) {
        var token = "cw-" + UUID.randomUUID();
        var body = Map.of("id", chatwootUser, "name", "Pat Example", "email", email, "available_name", "Pat",
                "role", "agent", "confirmed", true, "accounts", accounts);
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo(token))
                .willReturn(okJson(JSON.writeValueAsString(body))));
        return token;
    }

    private static Map<String, Object> account(long id, String role) {
        return Map.of("id", id, "name", "Chatwoot " + id, "status", "active", "role", role);
    }

    private static String roleIn(tools.jackson.databind.JsonNode memberships, long account) {
        return memberships.valueStream().filter(m -> m.get("account_id").asLong() == account)
                .map(m -> m.get("role").asString()).findFirst().orElse(null);
    }
}
