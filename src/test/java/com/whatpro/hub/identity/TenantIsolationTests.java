package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One tenant never sees, changes or even confirms the existence of another's data: every
 * route of identity and teams is tried from the other tenant's side.
 */
class TenantIsolationTests extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    Fixtures fixtures;
    Fixtures.Tenant acme;
    Fixtures.Tenant globex;
    String acmeTeam;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Acme");
        globex = fixtures.tenant("Globex");
        var team = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/teams",
                Map.of("name", "Sales"));
        assertThat(team.status()).as(team.body()).isEqualTo(201);
        acmeTeam = team.json().get("id").asString();
    }

    @Test
    void anotherTenantsRoutesAnswerNotFound() {
        var intruder = http().bearer(globex.admin().token());
        var base = "/api/v1/accounts/" + acme.id();
        var user = "/users/" + acme.admin().id();
        var team = "/teams/" + acmeTeam;

        List.of(base, base + "/users", base + user, base + "/teams", base + team, base + team + "/members",
                        base + "/api-keys")
                .forEach(path -> assertNotFound(intruder.get(path), path));
        assertNotFound(intruder.patch(base, Map.of("name", "Pwned")), "PATCH account");
        assertNotFound(intruder.post(base + "/users", Map.of("email", "x@example.test", "name", "X", "role", "admin")), "POST user");
        assertNotFound(intruder.patch(base + user, Map.of("role", "agent")), "PATCH user");
        assertNotFound(intruder.delete(base + user), "DELETE user");
        assertNotFound(intruder.post(base + "/teams", Map.of("name", "Evil")), "POST team");
        assertNotFound(intruder.patch(base + team, Map.of("name", "Evil")), "PATCH team");
        assertNotFound(intruder.delete(base + team), "DELETE team");
        assertNotFound(intruder.post(base + team + "/members", Map.of("user_id", globex.admin().id())), "POST member");
        assertNotFound(intruder.delete(base + team + "/members/" + acme.admin().id()), "DELETE member");
        assertNotFound(intruder.post(base + "/api-keys", Map.of("name", "k", "scopes", List.of("users:read"))), "POST key");
    }

    @Test
    void anotherTenantsResourceIsNotFoundUnderOnesOwnAccount() {
        var own = http().bearer(globex.admin().token());
        var base = "/api/v1/accounts/" + globex.id();

        assertNotFound(own.get(base + "/teams/" + acmeTeam), "foreign team id");
        assertNotFound(own.get(base + "/users/" + acme.admin().id()), "foreign user id");
        assertNotFound(own.delete(base + "/teams/" + acmeTeam), "delete foreign team");
        assertThat(http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/teams/" + acmeTeam)
                .status()).isEqualTo(200);
    }

    @Test
    void accountListShowsOnlyOnesOwnAccounts() {
        var mine = http().bearer(acme.admin().token()).get("/api/v1/accounts").json().get("items");
        var all = http().bearer(fixtures.superAdmin()).get("/api/v1/accounts").json().get("items");

        assertThat(mine.findValues("id").stream().map(v -> v.asLong()).toList()).containsExactly(acme.id());
        assertThat(all.findValues("id").stream().map(v -> v.asLong()).toList()).contains(acme.id(), globex.id());
    }

    @Test
    void onlySuperAdminCreatesAndDeactivatesAccounts() {
        var admin = http().bearer(acme.admin().token());

        assertThat(admin.post("/api/v1/accounts", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(admin.delete("/api/v1/accounts/" + acme.id()).status()).isEqualTo(403);
        assertThat(admin.patch("/api/v1/accounts/" + acme.id(), Map.of("plan", "enterprise")).status()).isEqualTo(403);
        assertThat(admin.patch("/api/v1/accounts/" + acme.id(), Map.of("name", "Acme Ltd")).status()).isEqualTo(200);

        assertThat(http().bearer(fixtures.superAdmin()).delete("/api/v1/accounts/" + globex.id()).status()).isEqualTo(204);
        assertNotFound(http().bearer(globex.admin().token()).get("/api/v1/accounts/" + globex.id()), "deactivated");
        assertThat(http().bearer(fixtures.superAdmin()).get("/api/v1/accounts/" + globex.id()).json()
                .get("status").asString()).isEqualTo("inactive");
    }

    @Test
    void agentsReadButDoNotManage() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var asAgent = http().bearer(agent.token());
        var base = "/api/v1/accounts/" + acme.id();

        assertThat(asAgent.get(base + "/users").status()).isEqualTo(200);
        assertThat(asAgent.get(base + "/teams").status()).isEqualTo(200);
        assertForbidden(asAgent.post(base + "/users", Map.of("email", Fixtures.uniqueEmail("x"), "name", "X", "role", "agent")));
        assertForbidden(asAgent.post(base + "/teams", Map.of("name", "Agents only")));
        assertForbidden(asAgent.post(base + "/teams/" + acmeTeam + "/members", Map.of("user_id", agent.id())));
        assertForbidden(asAgent.get(base + "/api-keys"));
        assertForbidden(asAgent.patch(base, Map.of("name", "Agent Inc")));
    }

    @Test
    void supervisorsManageTeamMembersButNotUsers() {
        var supervisor = fixtures.member(acme.admin().token(), acme.id(), "supervisor");
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var asSupervisor = http().bearer(supervisor.token());
        var base = "/api/v1/accounts/" + acme.id();

        var added = asSupervisor.post(base + "/teams/" + acmeTeam + "/members", Map.of("user_id", agent.id()));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("items").findValuesAsString("id")).contains(agent.id().toString());
        assertForbidden(asSupervisor.patch(base + "/users/" + agent.id(), Map.of("role", "supervisor")));
        assertThat(asSupervisor.delete(base + "/teams/" + acmeTeam + "/members/" + agent.id()).status()).isEqualTo(204);
    }

    @Test
    void teamMembersMustBelongToTheAccount() {
        var response = http().bearer(acme.admin().token())
                .post("/api/v1/accounts/" + acme.id() + "/teams/" + acmeTeam + "/members", Map.of("user_id", globex.admin().id()));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("user_id");
    }

    @Test
    void theLastAdminCannotBeDemotedOrRemoved() {
        var base = "/api/v1/accounts/" + acme.id() + "/users/" + acme.admin().id();
        var admin = http().bearer(acme.admin().token());

        assertThat(admin.patch(base, Map.of("role", "agent")).status()).isEqualTo(409);
        assertThat(admin.delete(base).status()).isEqualTo(409);
    }

    @Test
    void roleChangesArePublished() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");

        var promoted = http().bearer(acme.admin().token())
                .patch("/api/v1/accounts/" + acme.id() + "/users/" + agent.id(), Map.of("role", "supervisor"));

        assertThat(promoted.status()).isEqualTo(200);
        assertThat(promoted.json().get("role").asString()).isEqualTo("supervisor");
        assertThat(SecurityEventsRecorder.seen(MemberChanged.class))
                .anyMatch(e -> e.userId().equals(agent.id()) && e.changes().containsKey("role"));
    }

    @Test
    void aUserAlreadyInTheAccountIsAConflict() {
        var response = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/users",
                Map.of("email", acme.admin().email(), "name", "Again", "role", "agent"));

        assertThat(response.status()).isEqualTo(409);
    }

    @Test
    void aUserMayBelongToTwoAccounts() {
        var shared = http().bearer(globex.admin().token()).post("/api/v1/accounts/" + globex.id() + "/users",
                Map.of("email", acme.admin().email(), "name", "Shared", "role", "agent", "password", Fixtures.PASSWORD));

        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        var me = http().bearer(acme.admin().token()).get("/api/v1/auth/me").json().get("memberships");
        assertThat(me.findValues("account_id").stream().map(v -> v.asLong()).toList())
                .containsExactlyInAnyOrder(acme.id(), globex.id());
    }

    /**
     * An add answers user-exists for an address that is a user's in another account, so an admin could try
     * addresses one after another to learn who uses the installation: each account may try only so many, whatever
     * the answer, and once they are spent the answer tells nothing. On a node that allows 3 an hour.
     */
    @Test
    void anAdminTryingAddressesToLearnWhoIsAUserRunsOutOfAdds() {
        try (var node = SecondNode.start("--whatpro.rate-limits.member-adds=3/1h")) {
            var globexUsers = "/api/v1/accounts/" + globex.id() + "/users";
            var intruder = node.http().bearer(globex.admin().token());
            Function<String, TestHttp.Response> add = email -> intruder.post(globexUsers,
                    Map.of("email", email, "name", "Probe", "role", "agent", "password", "a probe of an address"));

            assertThat(add.apply(acme.admin().email()).status()).isEqualTo(409);
            assertThat(add.apply(Fixtures.uniqueEmail("nobody")).status()).isEqualTo(201);
            assertThat(add.apply(Fixtures.uniqueEmail("nobody")).status()).isEqualTo(201);
            var existing = add.apply(acme.admin().email());
            var unknown = add.apply(Fixtures.uniqueEmail("nobody"));

            for (var refused : List.of(existing, unknown)) {
                assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                assertThat(refused.json().get("scope").asString()).isEqualTo("account");
                assertThat(refused.header("Retry-After")).isNotBlank();
            }
            assertThat(existing.json().get("detail")).isEqualTo(unknown.json().get("detail"));
            Function<String, Map<String, String>> newAgent = email -> Map.of("email", Fixtures.uniqueEmail(email),
                    "name", "New agent", "role", "agent", "password", Fixtures.PASSWORD);
            var acmeAdds = node.http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/users",
                    newAgent.apply("acme"));
            assertThat(acmeAdds.status()).as("another account's adds are its own").isEqualTo(201);
            var byOperator = node.http().bearer(fixtures.superAdmin()).post(globexUsers, newAgent.apply("operator"));
            assertThat(byOperator.status()).as("the operator's adds are not counted").isEqualTo(201);
        }
    }

    @Test
    void anAdminWhoMadeAUserCannotTakeOverTheAccountThatAddsThemLater() {
        var email = Fixtures.uniqueEmail("ceo");
        var squatted = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/users",
                Map.of("email", email, "name", "CEO", "role", "agent", "password", "chosen by acme's admin"));
        assertThat(squatted.status()).as(squatted.body()).isEqualTo(201);
        var globexUsers = "/api/v1/accounts/" + globex.id() + "/users";

        var withOwnPassword = http().bearer(globex.admin().token()).post(globexUsers,
                Map.of("email", email, "name", "CEO", "role", "admin", "password", "globex's initial password"));
        var withoutPassword = http().bearer(globex.admin().token()).post(globexUsers,
                Map.of("email", email, "name", "CEO", "role", "admin"));

        assertThat(withOwnPassword.status()).as(withOwnPassword.body()).isEqualTo(409);
        assertThat(withOwnPassword.json().get("type").asString()).endsWith("user-exists");
        assertThat(withoutPassword.status()).as(withoutPassword.body()).isEqualTo(409);
        var signedIn = http().post("/api/v1/auth/login", Map.of("email", email, "password", "chosen by acme's admin"));
        assertThat(signedIn.status()).isEqualTo(200);
        var token = signedIn.json().get("access_token").asString();
        assertThat(http().bearer(token).get(globexUsers).status()).as("acme's admin, signed in as that user")
                .isEqualTo(404);
        assertThat(http().bearer(globex.admin().token()).get(globexUsers).body()).doesNotContain(email);
    }

    @Test
    void twoAdminsDemotingEachOtherAtOnceLeaveTheAccountOneAdmin() throws Exception {
        for (int round = 0; round < 10; round++) {
            var tenant = fixtures.tenant("Two admins " + UUID.randomUUID());
            var second = fixtures.member(tenant.admin().token(), tenant.id(), "admin");
            var users = "/api/v1/accounts/" + tenant.id() + "/users/";
            var start = new java.util.concurrent.CountDownLatch(1);
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var first = pool.submit(() -> {
                    start.await();
                    return http().bearer(tenant.admin().token()).patch(users + second.id(), Map.of("role", "agent"))
                            .status();
                });
                var other = pool.submit(() -> {
                    start.await();
                    return http().bearer(second.token()).patch(users + tenant.admin().id(), Map.of("role", "agent"))
                            .status();
                });
                start.countDown();
                assertThat(List.of(first.get(), other.get())).as("one demotion is refused (409 last-admin, or 403 "
                        + "once its sender is an agent)").containsOnlyOnce(200);
            }
            var admins = http().bearer(fixtures.superAdmin()).get("/api/v1/accounts/" + tenant.id() + "/users").json().get("items").valueStream()
                    .filter(user -> user.get("role").asString().equals("admin")).count();
            assertThat(admins).isEqualTo(1);
        }
    }

    @Test
    void anAccountAdminCannotRenameAUserWhomAnotherAccountAlsoSees() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var acmeAdmin = http().bearer(acme.admin().token());
        var inAcme = "/api/v1/accounts/" + acme.id() + "/users/" + agent.id();
        assertThat(acmeAdmin.patch(inAcme, Map.of("name", "Only in Acme")).status()).isEqualTo(200);
        var joined = http().bearer(globex.admin().token()).post("/api/v1/accounts/" + globex.id() + "/users",
                Map.of("email", agent.email(), "name", "Ignored", "role", "agent", "password", Fixtures.PASSWORD));
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);

        var renamed = acmeAdmin.patch(inAcme, Map.of("name", "Pwned", "role", "supervisor"));

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(409);
        assertThat(renamed.json().get("type").asString()).endsWith("shared-profile");
        var inGlobex = http().bearer(globex.admin().token())
                .get("/api/v1/accounts/" + globex.id() + "/users/" + agent.id()).json();
        assertThat(inGlobex.get("name").asString()).isEqualTo("Only in Acme");
        assertThat(http().bearer(acme.admin().token()).get(inAcme).json().get("role").asString())
                .as("nothing of the refused change is kept").isEqualTo("agent");
        assertThat(acmeAdmin.patch(inAcme, Map.of("name", "Only in Acme", "role", "supervisor")).status())
                .as("the same name with a role change").isEqualTo(200);
        assertThat(http().bearer(fixtures.superAdmin()).patch(inAcme, Map.of("name", "Renamed by the platform"))
                .status()).isEqualTo(200);
    }

    @Test
    void anAccountAdminCannotRenameThePlatformAdmin() {
        var platformAdmin = http().bearer(fixtures.superAdmin()).get("/api/v1/auth/me").json().get("user");
        var added = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/users",
                Map.of("email", platformAdmin.get("email").asString(), "name", "X", "role", "agent", "password",
                        Fixtures.ADMIN_PASSWORD));
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        var renamed = http().bearer(acme.admin().token()).patch("/api/v1/accounts/" + acme.id() + "/users/"
                + platformAdmin.get("id").asString(), Map.of("name", "Pwned"));

        assertThat(renamed.status()).as(renamed.body()).isEqualTo(409);
        assertThat(http().bearer(fixtures.superAdmin()).get("/api/v1/auth/me").json().get("user").get("name")
                .asString()).isEqualTo(platformAdmin.get("name").asString());
    }

    @Test
    void servicesRoleSeesNoTenantRowsWithoutATenant() throws Exception {
        fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/teams/" + acmeTeam + "/members",
                Map.of("user_id", acme.admin().id()));
        var owner = TestInfrastructure.owner();
        try (var asOwner = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var asService = dataSource.getConnection()) {
            for (var table : List.of("memberships", "api_keys", "teams", "team_members")) {
                try (var ownerCount = asOwner.createStatement().executeQuery("select count(*) from " + table);
                        var serviceCount = asService.createStatement().executeQuery("select count(*) from " + table)) {
                    ownerCount.next();
                    serviceCount.next();
                    assertThat(ownerCount.getLong(1)).as(table + " as owner").isPositive();
                    assertThat(serviceCount.getLong(1)).as(table + " as " + asService.getMetaData().getUserName()).isZero();
                }
            }
        }
    }

    private static void assertNotFound(TestHttp.Response response, String what) {
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    private static void assertForbidden(TestHttp.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
    }
}
