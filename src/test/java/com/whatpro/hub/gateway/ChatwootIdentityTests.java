package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.whatpro.hub.gateway.ChatwootConnectionTests.agent;
import static com.whatpro.hub.gateway.ChatwootConnectionTests.agents;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Chatwoot identity is (installation, user id), and what an account's own Chatwoot says never decides who a hub
 * user is. The tenant's Chatwoot is {@link FakeChatwoot} (127.0.0.1, a WireMock of its own), which the tenant admin
 * fills as an attacker would; the installation SSO trusts ({@code whatpro.chatwoot.url}) is the other WireMock,
 * {@link TestInfrastructure#chatwoot()}.
 */
class ChatwootIdentityTests extends IntegrationTest {

    FakeChatwoot hostile = FakeChatwoot.get();
    WireMockServer trusted = TestInfrastructure.chatwoot();
    Fixtures fixtures;
    Fixtures.Tenant tenant;
    long hostileAccount;
    long chatwootUser;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Hostile");
        hostileAccount = hostile.newAccount();
        chatwootUser = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
    }

    @AfterEach
    void everyRequestToTheTenantsChatwootConformsToItsSpec() {
        hostile.assertEveryRequestConforms(hostileAccount);
    }

    @Test
    void aSyncNamingTheSuperAdminsEmailDoesNotMakeTheAttackerSuperAdmin() {
        var superAdminLink = link(Fixtures.ADMIN_EMAIL);
        var attackerEmail = "mallory-" + chatwootUser + "@example.test";
        connect(tenant, hostile.baseUrl(), hostileAccount);
        hostile.agents(hostileAccount, agents(agent(chatwootUser, "Mallory", Fixtures.ADMIN_EMAIL, "administrator")));

        var sync = http().bearer(tenant.admin().token()).post(path(tenant) + "/sync", "");

        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("agents").get("added").asInt()).isZero();
        assertThat(sync.json().get("agents").get("skipped")).singleElement()
                .satisfies(skipped -> assertThat(skipped.get("reason").asString()).contains("link"));
        assertThat(link(Fixtures.ADMIN_EMAIL)).isEqualTo(superAdminLink);

        var sso = http().post("/api/v1/auth/sso", Map.of("token", profile(chatwootUser, attackerEmail)));

        assertThat(sso.status()).as(sso.body()).isEqualTo(200);
        assertThat(sso.json().get("user").get("is_super_admin").asBoolean()).isFalse();
        assertThat(sso.json().get("user").get("email").asString()).isEqualTo(attackerEmail);
        var me = http().bearer(sso.json().get("access_token").asString()).get("/api/v1/auth/me").json();
        assertThat(me.get("user").get("is_super_admin").asBoolean()).isFalse();
        assertThat(me.get("memberships")).isEmpty();
        assertThat(http().bearer(sso.json().get("access_token").asString()).get("/api/v1/accounts/" + tenant.id())
                .status()).isEqualTo(404);
        assertThat(link(Fixtures.ADMIN_EMAIL)).isEqualTo(superAdminLink);

        var claimingTheEmail = http().post("/api/v1/auth/sso",
                Map.of("token", profile(chatwootUser + 1, Fixtures.ADMIN_EMAIL)));

        assertThat(claimingTheEmail.status()).isEqualTo(409);
        assertThat(claimingTheEmail.json().get("type").asString()).endsWith("chatwoot-link-required");
        assertThat(link(Fixtures.ADMIN_EMAIL)).isEqualTo(superAdminLink);
    }

    @Test
    void aSyncNeverLinksAUserWithAPasswordNorOneOfAnotherAccount() {
        var stranger = fixtures.tenant("Stranger");
        var outsider = fixtures.member(stranger.admin().token(), stranger.id(), "agent");
        connect(tenant, hostile.baseUrl(), hostileAccount);
        hostile.agents(hostileAccount, agents(
                agent(chatwootUser, "Admin", tenant.admin().email(), "administrator"),
                agent(chatwootUser + 1, "Outsider", outsider.email(), "administrator")));

        var sync = http().bearer(tenant.admin().token()).post(path(tenant) + "/sync", "");

        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("agents").get("skipped")).hasSize(2);
        assertThat(link(tenant.admin().email())).isEqualTo("#");
        assertThat(link(outsider.email())).isEqualTo("#");
        assertThat(http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/users").json()
                .get("items").findValuesAsString("email")).doesNotContain(outsider.email());
        var sso = http().post("/api/v1/auth/sso",
                Map.of("token", profile(chatwootUser + 1, "someone-" + chatwootUser + "@example.test")));
        assertThat(sso.json().get("user").get("id").asString())
                .isNotEqualTo(outsider.id().toString()).isNotEqualTo(tenant.admin().id().toString());
    }

    @Test
    void twoInstallationsWithTheSameChatwootUserIdAreTwoUsers() {
        var other = fixtures.tenant("Trusted installation");
        long trustedAccount = hostileAccount + 1;
        var fromHostile = "a-" + chatwootUser + "@example.test";
        var fromTrusted = "b-" + chatwootUser + "@example.test";
        connect(tenant, hostile.baseUrl(), hostileAccount);
        hostile.agents(hostileAccount, agents(agent(chatwootUser, "Ann", fromHostile, "agent")));
        connect(other, trusted.baseUrl() + "/", trustedAccount);
        stubAgents(trustedAccount, agents(agent(chatwootUser, "Bea", fromTrusted, "agent")));

        var first = http().bearer(tenant.admin().token()).post(path(tenant) + "/sync", "");
        var second = http().bearer(other.admin().token()).post(path(other) + "/sync", "");

        assertThat(first.json().get("agents").get("added").asInt()).as(first.body()).isEqualTo(1);
        assertThat(second.json().get("agents").get("added").asInt()).as(second.body()).isEqualTo(1);
        assertThat(emails(tenant)).contains(fromHostile).doesNotContain(fromTrusted);
        assertThat(emails(other)).contains(fromTrusted).doesNotContain(fromHostile);
        assertThat(link(fromHostile)).isEqualTo(hostile.baseUrl() + "#" + chatwootUser);
        assertThat(link(fromTrusted)).isEqualTo(trusted.baseUrl() + "#" + chatwootUser);

        var sso = http().post("/api/v1/auth/sso", Map.of("token", profile(chatwootUser, fromTrusted)));

        assertThat(sso.status()).as(sso.body()).isEqualTo(200);
        assertThat(sso.json().get("user").get("email").asString()).isEqualTo(fromTrusted);
        var memberships = http().bearer(sso.json().get("access_token").asString()).get("/api/v1/auth/me").json()
                .get("memberships");
        assertThat(memberships.findValuesAsString("account_id"))
                .contains(Long.toString(other.id())).doesNotContain(Long.toString(tenant.id()));

        var again = http().bearer(tenant.admin().token()).post(path(tenant) + "/sync", "");
        assertThat(again.json().get("agents").get("unchanged").asInt()).isEqualTo(1);
        assertThat(emails(tenant)).doesNotContain(fromTrusted);
    }

    @Test
    void theSameEmailFromAnotherInstallationIsNotMerged() {
        var other = fixtures.tenant("Other installation");
        long trustedAccount = hostileAccount + 1;
        var shared = "shared-" + chatwootUser + "@example.test";
        connect(other, trusted.baseUrl(), trustedAccount);
        stubAgents(trustedAccount, agents(agent(chatwootUser, "Sam", shared, "agent")));
        connect(tenant, hostile.baseUrl(), hostileAccount);
        hostile.agents(hostileAccount, agents(agent(chatwootUser, "Sam", shared, "administrator")));

        assertThat(http().bearer(other.admin().token()).post(path(other) + "/sync", "").json()
                .get("agents").get("added").asInt()).isEqualTo(1);
        var hostileSync = http().bearer(tenant.admin().token()).post(path(tenant) + "/sync", "");

        assertThat(hostileSync.json().get("agents").get("skipped")).hasSize(1);
        assertThat(emails(tenant)).doesNotContain(shared);
        assertThat(link(shared)).isEqualTo(trusted.baseUrl() + "#" + chatwootUser);
    }

    private void connect(Fixtures.Tenant account, String baseUrl, long chatwootAccount) {
        var body = new LinkedHashMap<String, Object>();
        body.put("base_url", baseUrl);
        body.put("chatwoot_account_id", chatwootAccount);
        body.put("api_token", "tok-" + UUID.randomUUID());
        var response = http().bearer(account.admin().token()).put(path(account), body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    private void stubAgents(long chatwootAccount, JsonNode agents) {
        trusted.stubFor(get(urlPathEqualTo("/api/v1/accounts/" + chatwootAccount + "/agents"))
                .willReturn(okJson(agents.toString())));
        trusted.stubFor(get(urlPathEqualTo("/api/v1/accounts/" + chatwootAccount + "/teams"))
                .willReturn(okJson("[]")));
    }

    /** A user access token of the trusted installation for this Chatwoot user, member of no Chatwoot account. */
    private String profile(long id, String email) {
        var token = "cw-" + UUID.randomUUID();
        var body = Map.of("id", id, "name", "Someone", "email", email, "available_name", "Someone",
                "role", "agent", "confirmed", true, "accounts", List.of());
        trusted.stubFor(get("/api/v1/profile").withHeader("api_access_token", equalTo(token))
                .willReturn(okJson(Gateway.JSON.writeValueAsString(body))));
        return token;
    }

    private List<String> emails(Fixtures.Tenant account) {
        return http().bearer(account.admin().token()).get("/api/v1/accounts/" + account.id() + "/users").json()
                .get("items").findValuesAsString("email");
    }

    /** installation#chatwoot user id of the user with that e-mail ("#" when unlinked). */
    private static String link(String email) {
        return Gateway.query("select coalesce(chatwoot_installation, '') || '#' || coalesce(chatwoot_user_id::text, '') "
                + "from users where email = '" + email.replace("'", "''") + "'");
    }

    private static String path(Fixtures.Tenant account) {
        return "/api/v1/accounts/" + account.id() + "/chatwoot";
    }
}
