package com.whatpro.hub.identity;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
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
    void anExistingHubUserWithoutAPasswordIsLinkedByEmailAndKeepsAHigherRole() {
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");
        var email = Fixtures.uniqueEmail("invited");
        var invited = http().bearer(admin.token()).post("/api/v1/accounts/" + hubSupport + "/users",
                Map.of("email", email, "name", "Invited", "role", "supervisor"));
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        var token = profile(email, List.of(account(supportAccount, "agent")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("user").get("id").asString()).isEqualTo(invited.json().get("id").asString());
        var me = http().bearer(response.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(me.get("memberships"), hubSupport)).isEqualTo("supervisor");
    }

    @Test
    void aUserWithAPasswordLinksChatwootWhileSignedInBeforeSigningInThroughIt() {
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");
        var supervisor = fixtures.member(admin.token(), hubSupport, "supervisor");
        var token = profile(supervisor.email(), List.of(account(supportAccount, "agent")));

        var refused = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:whatpro:problem:chatwoot-link-required");
        assertThat(refused.body()).doesNotContain("access_token");
        assertThat(chatwootLinkOf(supervisor.email())).isEqualTo("#");

        var link = http().bearer(supervisor.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", token));

        assertThat(link.status()).as(link.body()).isEqualTo(204);
        assertThat(chatwootLinkOf(supervisor.email())).isEqualTo(chatwoot.baseUrl() + "#" + chatwootUser);
        var signedIn = http().post("/api/v1/auth/sso", Map.of("token", token));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        assertThat(signedIn.json().get("user").get("id").asString()).isEqualTo(supervisor.id().toString());
        var me = http().bearer(signedIn.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(me.get("memberships"), hubSupport)).isEqualTo("supervisor");
    }

    @Test
    void theSuperAdminIsNeverLinkedByEmail() {
        var before = chatwootLinkOf(Fixtures.ADMIN_EMAIL);
        var token = profile(Fixtures.ADMIN_EMAIL, List.of(account(supportAccount, "administrator")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("type").asString()).endsWith("chatwoot-link-required");
        assertThat(chatwootLinkOf(Fixtures.ADMIN_EMAIL)).isEqualTo(before);
    }

    @Test
    void aChatwootUserLinkedToSomeoneElseCannotBeLinkedAgain() {
        var token = profile("first-" + chatwootUser + "@example.test", List.of(account(supportAccount, "agent")));
        var first = http().post("/api/v1/auth/sso", Map.of("token", token)).json().get("user").get("id").asString();
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");

        var link = http().bearer(admin.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", token));

        assertThat(link.status()).isEqualTo(409);
        assertThat(link.json().get("type").asString()).isEqualTo("urn:whatpro:problem:chatwoot-already-linked");
        assertThat(chatwootLinkOf(admin.email())).isEqualTo("#");
        assertThat(http().post("/api/v1/auth/sso", Map.of("token", token)).json().get("user").get("id").asString())
                .isEqualTo(first);
    }

    @Test
    void linkingAnswersLikeSignInWhenChatwootRefusesOrIsDown() {
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo("revoked-token"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[\"Invalid Access Token\"]}")));
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo("reset-token"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        var token = profile("anyone-" + chatwootUser + "@example.test", List.of());

        var rejected = http().bearer(admin.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", "revoked-token"));
        var down = http().bearer(admin.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", "reset-token"));
        var anonymous = http().post("/api/v1/auth/chatwoot-link", Map.of("token", token));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(down.status()).isEqualTo(503);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(chatwootLinkOf(admin.email())).isEqualTo("#");
        chatwoot.verify(0, getRequestedFor(urlEqualTo("/api/v1/profile")).withHeader("api_access_token", equalTo(token)));
    }

    @Test
    void everyLinkAndUnlinkIsAudited() {
        var admin = fixtures.member(fixtures.superAdmin(), hubSupport, "admin");
        var firstChatwootUser = chatwootUser;
        var first = profile("mine-" + chatwootUser + "@example.test", List.of());
        var secondChatwootUser = chatwootUser + 1;
        var second = profile(secondChatwootUser, "mine-" + secondChatwootUser + "@example.test", List.of());
        var created = profile(secondChatwootUser + 1, "new-" + chatwootUser + "@example.test", List.of());

        assertThat(http().bearer(admin.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", first)).status())
                .isEqualTo(204);
        assertThat(http().bearer(admin.token()).post("/api/v1/auth/chatwoot-link", Map.of("token", second)).status())
                .isEqualTo(204);
        var newcomer = http().post("/api/v1/auth/sso", Map.of("token", created)).json().get("user").get("id").asString();

        var installation = chatwoot.baseUrl();
        assertThat(auditOf(admin.id().toString())).containsExactly(
                "user.chatwoot_linked " + installation + " " + firstChatwootUser + " chatwoot_link",
                "user.chatwoot_unlinked " + installation + " " + firstChatwootUser + " chatwoot_link",
                "user.chatwoot_linked " + installation + " " + secondChatwootUser + " chatwoot_link");
        assertThat(auditOf(newcomer)).containsExactly(
                "user.chatwoot_linked " + installation + " " + (secondChatwootUser + 1) + " sso");
    }

    @Test
    void signInGivesNoMembershipWhereThePlanLacksChatwootSso() {
        var off = http().bearer(fixtures.superAdmin()).put("/api/v1/accounts/" + hubSales + "/entitlements",
                Map.of("features", Map.of("chatwoot_sso", false)));
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        var token = profile("plan-" + chatwootUser + "@example.test",
                List.of(account(supportAccount, "agent"), account(salesAccount, "administrator")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).isEqualTo(200);
        var me = http().bearer(response.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(me.get("memberships"), hubSupport)).isEqualTo("agent");
        assertThat(roleIn(me.get("memberships"), hubSales)).isNull();

        http().bearer(fixtures.superAdmin()).put("/api/v1/accounts/" + hubSales + "/entitlements",
                Map.of("features", Map.of("chatwoot_sso", true)));
        var again = http().post("/api/v1/auth/sso", Map.of("token", token));
        var meAgain = http().bearer(again.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(meAgain.get("memberships"), hubSales)).isEqualTo("admin");
    }

    @Test
    void signInGivesNoMembershipWhereThePlanHasNoRoomForAnotherAgent() {
        var entitlements = "/api/v1/accounts/" + hubSales + "/entitlements";
        var used = http().bearer(fixtures.superAdmin()).get(entitlements).json().get("usage").get("agents").asLong();
        var full = http().bearer(fixtures.superAdmin()).put(entitlements, Map.of("limits", Map.of("max_agents", used)));
        assertThat(full.status()).as(full.body()).isEqualTo(200);
        var token = profile("full-" + chatwootUser + "@example.test",
                List.of(account(supportAccount, "agent"), account(salesAccount, "administrator")));

        var response = http().post("/api/v1/auth/sso", Map.of("token", token));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var me = http().bearer(response.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(roleIn(me.get("memberships"), hubSupport)).as("an account with room").isEqualTo("agent");
        assertThat(roleIn(me.get("memberships"), hubSales)).as("the full account").isNull();
        assertThat(http().bearer(fixtures.superAdmin()).get(entitlements).json().get("usage").get("agents").asLong())
                .isEqualTo(used);
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
        return profile(chatwootUser, email, accounts);
    }

    private String profile(long id, String email, List<Map<String, Object>> accounts) {
        var token = "cw-" + UUID.randomUUID();
        var body = Map.of("id", id, "name", "Pat Example", "email", email, "available_name", "Pat",
                "role", "agent", "confirmed", true, "accounts", accounts);
        chatwoot.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo(token))
                .willReturn(okJson(JSON.writeValueAsString(body))));
        return token;
    }

    /** installation#chatwoot user id of the user with that e-mail, as stored ("#" when unlinked). */
    static String chatwootLinkOf(String email) {
        return owner("select coalesce(chatwoot_installation, '') || '#' || coalesce(chatwoot_user_id::text, '') "
                + "from users where email = ?", email).getFirst();
    }

    /** The user's link and unlink audit rows, oldest first: action, installation, Chatwoot user id, via. */
    static List<String> auditOf(String userId) {
        return owner("select action || ' ' || (changes->>'installation') || ' ' || (changes->>'chatwoot_user_id') "
                + "|| ' ' || (changes->>'via') from audit_log where resource_type = 'user' and resource_id = ? "
                + "and action like 'user.chatwoot_%' order by at, action desc", userId);
    }

    static List<String> owner(String sql, String parameter) {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            var rows = new java.util.ArrayList<String>();
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> account(long id, String role) {
        return Map.of("id", id, "name", "Chatwoot " + id, "status", "active", "role", role);
    }

    private static String roleIn(tools.jackson.databind.JsonNode memberships, long account) {
        return memberships.valueStream().filter(m -> m.get("account_id").asLong() == account)
                .map(m -> m.get("role").asString()).findFirst().orElse(null);
    }
}
