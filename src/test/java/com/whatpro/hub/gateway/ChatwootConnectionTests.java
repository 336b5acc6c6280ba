package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An account's Chatwoot connection, and pulling its agents and teams into the hub. */
class ChatwootConnectionTests extends IntegrationTest {

    FakeChatwoot chatwoot = FakeChatwoot.get();
    Fixtures fixtures;
    Fixtures.Tenant tenant;
    long chatwootAccount;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Connected");
        chatwootAccount = chatwoot.newAccount();
    }

    @AfterEach
    void everyRequestToChatwootConformsToItsSpec() {
        chatwoot.assertEveryRequestConforms(chatwootAccount);
    }

    String path() {
        return "/api/v1/accounts/" + tenant.id() + "/chatwoot";
    }

    Map<String, Object> connection(String token, String secret) {
        var body = new LinkedHashMap<String, Object>();
        body.put("base_url", chatwoot.baseUrl());
        body.put("chatwoot_account_id", chatwootAccount);
        body.put("inbox_id", 5);
        body.put("api_token", token);
        body.put("webhook_secret", secret);
        return body;
    }

    @Test
    void connectsWithoutEverShowingTheTokenOrSecrets() {
        var admin = http().bearer(tenant.admin().token());
        assertThat(admin.get(path()).status()).isEqualTo(404);

        var put = admin.put(path(), connection("tok-SECRET-123", "hook-SECRET-456"));
        var get = admin.get(path());

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(get.status()).isEqualTo(200);
        for (var response : List.of(put, get)) {
            assertThat(response.body()).doesNotContain("SECRET");
            var json = response.json();
            assertThat(json.get("chatwoot_account_id").asLong()).isEqualTo(chatwootAccount);
            assertThat(json.get("inbox_id").asLong()).isEqualTo(5);
            assertThat(json.get("has_webhook_secret").asBoolean()).isTrue();
            assertThat(json.get("webhook_url").asString())
                    .matches("http://.*/api/v1/webhooks/chatwoot/" + tenant.id() + "/[A-Za-z0-9_-]{43}");
        }
        assertThat(get.json().get("webhook_url")).isEqualTo(put.json().get("webhook_url"));
        var log = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?action=chatwoot.connected");
        assertThat(log.json().get("items")).singleElement()
                .satisfies(entry -> assertThat(entry.get("changes").get("api_token").asString()).contains("redacted"));
        assertThat(log.body()).doesNotContain("SECRET");
    }

    @Test
    void keepsTheTokenWhenItIsLeftOutAndRemovesTheSecretWhenEmpty() {
        var admin = http().bearer(tenant.admin().token());
        admin.put(path(), connection("tok-1", "hook-1"));
        var body = connection("x", "");
        body.remove("api_token");

        var changed = admin.put(path(), body);

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("has_webhook_secret").asBoolean()).isFalse();
    }

    @Test
    void refusesBadConnectionsAndOutsiders() {
        var admin = http().bearer(tenant.admin().token());
        var noToken = connection("x", "y");
        noToken.remove("api_token");
        var badUrl = connection("x", "y");
        badUrl.put("base_url", "ftp://chatwoot.example.com");
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var stranger = fixtures.tenant("Stranger");

        assertThat(admin.put(path(), noToken).status()).isEqualTo(422);
        var bad = admin.put(path(), badUrl);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("base_url");
        assertThat(http().bearer(agent.token()).put(path(), connection("x", "y")).status()).isEqualTo(403);
        assertThat(http().bearer(agent.token()).get(path()).status()).isEqualTo(403);
        assertThat(http().bearer(stranger.admin().token()).put(path(), connection("x", "y")).status()).isEqualTo(404);
        assertThat(http().bearer(stranger.admin().token()).post(path() + "/sync", "").status()).isEqualTo(404);
    }

    @Test
    void syncPullsAgentsAndTeamsWithinThePlansLimits() throws Exception {
        http().bearer(tenant.admin().token()).put(path(), connection("tok", "hook"));
        long base = chatwootAccount * 10;
        chatwoot.agents(chatwootAccount, agents(
                agent(base + 1, "Ada Admin", "ada-" + base + "@example.test", "administrator"),
                agent(base + 2, "Bo Agent", "bo-" + base + "@example.test", "agent"),
                agent(base + 3, "Cy Agent", "cy-" + base + "@example.test", "agent")));
        var teams = Gateway.JSON.createArrayNode();
        teams.addObject().put("id", base + 7).put("name", "Support " + base).put("description", "first line")
                .put("allow_auto_assign", true);
        chatwoot.teams(chatwootAccount, teams, Map.of(base + 7, agents(agent(base + 2, "Bo Agent",
                "bo-" + base + "@example.test", "agent"))));
        // the admin from the fixtures plus two more fit
        Gateway.sql("update accounts set limit_overrides = '{\"max_agents\": 3}' where id = " + tenant.id());

        var first = http().bearer(tenant.admin().token()).post(path() + "/sync", "");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        var agents = first.json().get("agents");
        assertThat(agents.get("added").asInt()).isEqualTo(2);
        assertThat(agents.get("skipped")).hasSize(1);
        assertThat(agents.get("skipped").get(0).get("reason").asString()).contains("max_agents");
        assertThat(first.json().get("teams").get("created").asInt()).isEqualTo(1);
        assertThat(first.json().get("teams").get("members_added").asInt()).isEqualTo(1);
        var users = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/users").json()
                .get("items");
        assertThat(users).extracting(user -> user.get("email").asString() + "=" + user.get("role").asString())
                .contains("ada-" + base + "@example.test=admin", "bo-" + base + "@example.test=agent");
        var team = http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/teams").json()
                .get("items").get(0);
        assertThat(team.get("chatwoot_team_id").asLong()).isEqualTo(base + 7);

        var again = http().bearer(tenant.admin().token()).post(path() + "/sync", "");

        assertThat(again.json().get("agents").get("added").asInt()).isZero();
        assertThat(again.json().get("agents").get("unchanged").asInt()).isEqualTo(2);
        assertThat(again.json().get("teams").get("unchanged").asInt()).isEqualTo(1);
        assertThat(again.json().get("teams").get("members_added").asInt()).isZero();
    }

    @Test
    void syncNeedsAConnection() {
        var response = http().bearer(tenant.admin().token()).post(path() + "/sync", "");

        assertThat(response.status()).isEqualTo(409);
    }

    static JsonNode agent(long id, String name, String email, String role) {
        return Gateway.JSON.createObjectNode().put("id", id).put("name", name).put("available_name", name)
                .put("email", email).put("role", role).put("confirmed", true).put("availability_status", "online");
    }

    static JsonNode agents(JsonNode... agents) {
        var list = Gateway.JSON.createArrayNode();
        for (var agent : agents) {
            list.add(agent);
        }
        return list;
    }

    @Test
    void aCheckTellsWhetherChatwootAnswersTakesTheTokenAndHasTheInbox() {
        var admin = http().bearer(tenant.admin().token());
        assertThat(admin.post(path() + "/check", Map.of()).status()).as("not connected yet").isEqualTo(404);
        var inbox = chatwoot.seedInbox(chatwootAccount, "Atendimento", "Channel::Api");
        chatwoot.acceptOnlyToken(chatwootAccount, "cw-token-good");
        var body = connection("cw-token-good", "");
        body.put("inbox_id", inbox.id());
        assertThat(admin.put(path(), body).status()).isEqualTo(200);

        var fine = check(admin);
        assertThat(fine.get("ok").asBoolean()).isTrue();
        assertThat(fine.get("problem").isNull()).isTrue();
        assertThat(fine.get("inbox_api_channel").asBoolean()).isTrue();

        body.put("inbox_id", 999_999);
        admin.put(path(), body);
        var missing = check(admin);
        assertThat(missing.get("ok").asBoolean()).isFalse();
        assertThat(missing.get("problem").asString()).isEqualTo("inbox-not-found");
        assertThat(missing.get("detail").asString()).contains("has no inbox 999999");

        body.put("api_token", "cw-token-revoked");
        admin.put(path(), body);
        var refused = admin.post(path() + "/check", Map.of());
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.json().get("ok").asBoolean()).isFalse();
        assertThat(refused.json().get("problem").asString()).isEqualTo("token-refused");
        assertThat(refused.json().get("detail").asString()).contains("401");
        assertThat(refused.body()).doesNotContain("cw-token");

        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        assertThat(http().bearer(agent.token()).post(path() + "/check", Map.of()).status()).isEqualTo(403);
        var other = fixtures.tenant("Other");
        assertThat(http().bearer(other.admin().token()).post(path() + "/check", Map.of()).status())
                .as("another account's admin").isEqualTo(404);
    }

    @Test
    void aCheckTellsThatChatwootCannotBeReached() {
        var admin = http().bearer(tenant.admin().token());
        var body = connection("cw-token", "");
        body.put("base_url", "http://127.0.0.1:1"); // loopback, where nothing listens
        assertThat(admin.put(path(), body).status()).isEqualTo(200);

        var unreachable = check(admin);

        assertThat(unreachable.get("ok").asBoolean()).isFalse();
        assertThat(unreachable.get("problem").asString()).isEqualTo("unreachable");
        assertThat(unreachable.get("detail").asString()).startsWith("Could not ");
    }

    JsonNode check(com.whatpro.hub.TestHttp admin) {
        var response = admin.post(path() + "/check", Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
