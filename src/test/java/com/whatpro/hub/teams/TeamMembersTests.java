package com.whatpro.hub.teams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A team's members are members of its account: whoever leaves the account leaves its teams. */
class TeamMembersTests extends IntegrationTest {

    Fixtures fixtures;
    Fixtures.Tenant acme;
    TestHttp admin;
    String base;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Teams Co");
        admin = http().bearer(acme.admin().token());
        base = "/api/v1/accounts/" + acme.id();
    }

    /** Found in review: the user stayed listed, and a round-robin assignment picked them and failed. */
    @Test
    void aUserRemovedFromTheAccountLeavesItsTeamsButNotThoseOfOtherAccounts() {
        var leaving = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var staying = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var sales = team(admin, base, "Sales");
        var support = team(admin, base, "Support");
        join(admin, base, sales, leaving.id().toString());
        join(admin, base, sales, staying.id().toString());
        join(admin, base, support, leaving.id().toString());
        var other = fixtures.tenant("Other Teams Co");
        var otherAdmin = http().bearer(other.admin().token());
        var otherBase = "/api/v1/accounts/" + other.id();
        var added = otherAdmin.post(otherBase + "/users", Map.of("email", leaving.email(), "name", "Leaving",
                "role", "agent", "password", Fixtures.PASSWORD));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        var elsewhere = team(otherAdmin, otherBase, "Elsewhere");
        join(otherAdmin, otherBase, elsewhere, leaving.id().toString());

        var removed = admin.delete(base + "/users/" + leaving.id());

        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(members(admin, base, sales)).containsExactly(staying.id().toString());
        assertThat(members(admin, base, support)).isEmpty();
        assertThat(members(otherAdmin, otherBase, elsewhere)).containsExactly(leaving.id().toString());
        var log = admin.get(base + "/audit-logs?action=team.member_removed");
        assertThat(log.status()).as(log.body()).isEqualTo(200);
        assertThat(log.json().get("items")).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.get("changes").get("user_id").asString()).isEqualTo(leaving.id().toString());
            assertThat(entry.get("actor").get("id").asString()).isEqualTo(acme.admin().id().toString());
        });
        assertThat(log.json().get("items").findValuesAsString("resource_id")).containsExactlyInAnyOrder(sales, support);
    }

    private static String team(TestHttp admin, String base, String name) {
        var response = admin.post(base + "/teams", Map.of("name", name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static void join(TestHttp admin, String base, String team, String user) {
        var response = admin.post(base + "/teams/" + team + "/members", Map.of("user_id", user));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private static List<String> members(TestHttp admin, String base, String team) {
        var response = admin.get(base + "/teams/" + team + "/members");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("items").findValuesAsString("id");
    }
}
