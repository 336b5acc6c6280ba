package com.whatpro.hub.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Tenancy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class EntitlementsTests extends IntegrationTest {

    @Autowired
    Entitlements entitlements;

    @Autowired
    PlatformTransactionManager transactions;

    Fixtures fixtures;
    Fixtures.Tenant acme;
    String base;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Acme");
        base = "/api/v1/accounts/" + acme.id() + "/entitlements";
    }

    @Test
    void adminsSeeLimitsFeaturesAndUsage() {
        http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/teams", Map.of("name", "Sales"));
        fixtures.member(acme.admin().token(), acme.id(), "agent");
        awaitDefaultBoard();

        var response = http().bearer(acme.admin().token()).get(base);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var body = response.json();
        assertThat(body.get("plan").asString()).isEqualTo("standard");
        assertThat(body.get("limits").get("max_agents").asLong()).isEqualTo(10);
        assertThat(body.get("limits").get("max_teams").asLong()).isEqualTo(5);
        assertThat(body.get("limits").get("max_providers").asLong()).isEqualTo(3);
        assertThat(body.get("limits").get("max_boards").asLong()).isEqualTo(5);
        assertThat(body.get("limits").get("max_monthly_messages").asLong()).isEqualTo(10_000);
        assertThat(body.get("features").get("kanban").asBoolean()).isTrue();
        assertThat(body.get("features").get("api_keys").asBoolean()).isTrue();
        assertThat(body.get("usage").get("agents").asLong()).isEqualTo(2);
        assertThat(body.get("usage").get("teams").asLong()).isEqualTo(1);
        assertThat(body.get("usage").get("providers").asLong()).isZero();
        assertThat(body.get("usage").get("boards").asLong()).as("the default board").isEqualTo(1);
        assertThat(body.get("usage").get("monthly_messages").asLong()).isZero();
    }

    @Test
    void onlyAdminsReadAndOnlySuperAdminsChange() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var other = fixtures.tenant("Other");

        assertThat(http().bearer(agent.token()).get(base).status()).isEqualTo(403);
        assertThat(http().bearer(other.admin().token()).get(base).status()).isEqualTo(404);
        assertThat(http().bearer(acme.admin().token()).put(base, Map.of("plan", "enterprise")).status()).isEqualTo(403);
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read", "audit:read");
        assertThat(http().bearer(key).get(base).status()).isEqualTo(403);
    }

    @Test
    void superAdminSetsPlanAndOverrides() {
        var response = http().bearer(fixtures.superAdmin()).put(base, Map.of("plan", "pro",
                "limits", Map.of("max_teams", 2, "max_boards", -1), "features", Map.of("kanban", false)));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var body = response.json();
        assertThat(body.get("plan").asString()).isEqualTo("pro");
        assertThat(body.get("limits").get("max_agents").asLong()).isEqualTo(50);
        assertThat(body.get("limits").get("max_teams").asLong()).isEqualTo(2);
        assertThat(body.get("limits").get("max_boards").asLong()).isEqualTo(-1);
        assertThat(body.get("features").get("kanban").asBoolean()).isFalse();
        assertThat(body.get("overrides").get("limits").get("max_teams").asLong()).isEqualTo(2);

        var cleared = http().bearer(fixtures.superAdmin()).put(base, Map.of("limits", Map.of()));
        assertThat(cleared.json().get("limits").get("max_teams").asLong()).isEqualTo(20);
        assertThat(cleared.json().get("features").get("kanban").asBoolean()).as("features left alone").isFalse();
        assertThat(cleared.json().get("plan").asString()).isEqualTo("pro");
    }

    @Test
    void badEntitlementsAreRefusedFieldByField() {
        var response = http().bearer(fixtures.superAdmin()).put(base, Map.of("plan", "platinum",
                "limits", Map.of("max_teams", -5, "max_unicorns", 3, "max_boards", 1.5),
                "features", Map.of("kanban", "yes", "teleport", true)));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder(
                "plan", "limits.max_teams", "limits.max_unicorns", "limits.max_boards", "features.kanban",
                "features.teleport");
        assertThat(http().bearer(fixtures.superAdmin()).put(base, Map.of()).status()).isEqualTo(422);
        assertThat(http().bearer(acme.admin().token()).get(base).json().get("plan").asString()).isEqualTo("standard");
    }

    @Test
    void fiftyParallelCreatesAgainstALimitOfFiveLeaveExactlyFive() throws Exception {
        assertThat(http().bearer(fixtures.superAdmin()).put(base, Map.of("limits", Map.of("max_teams", 5))).status())
                .isEqualTo(200);
        var admin = http().bearer(acme.admin().token());
        var start = new CountDownLatch(1);
        var created = new AtomicInteger();
        var refused = new AtomicInteger();
        var others = new ArrayList<String>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var tasks = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 50; i++) {
                var name = "Team " + i;
                tasks.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    var response = admin.post("/api/v1/accounts/" + acme.id() + "/teams", Map.of("name", name));
                    if (response.status() == 201) {
                        created.incrementAndGet();
                    } else if (response.status() == 403
                            && response.json().get("limit").asString().equals("max_teams")
                            && response.json().get("type").asString().equals(ApiProblem.TYPE_PREFIX + "limit-exceeded")) {
                        refused.incrementAndGet();
                    } else {
                        synchronized (others) {
                            others.add(response.toString());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var task : tasks) {
                task.get();
            }
        }

        assertThat(others).isEmpty();
        assertThat(created).hasValue(5);
        assertThat(refused).hasValue(45);
        assertThat(admin.get("/api/v1/accounts/" + acme.id() + "/teams").json().get("items")).hasSize(5);
        assertThat(admin.get(base).json().get("usage").get("teams").asLong()).isEqualTo(5);
    }

    @Test
    void aCheckOfRoomUnderWayHoldsUpTheNextCheckButNotWhatMerelyReferencesTheAccount() throws Exception {
        var account = AccountId.of(acme.id());
        var checked = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(() -> inTransaction(account, () -> {
                entitlements.ensureRoom(account, Limit.TEAMS, () -> 0L);
                checked.countDown();
                await(release);
            }));
            await(checked);

            // the month's first message inserts the usage row, whose foreign key check references the account
            var counted = pool.submit(() -> Tenancy.callAs(account, () -> entitlements.recordMessages(account, 1)));
            assertThat(counted.get(10, TimeUnit.SECONDS)).as("messages counted while a create checks room").isOne();

            var second = pool.submit(() -> inTransaction(account,
                    () -> entitlements.ensureRoom(account, Limit.TEAMS, () -> 0L)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(
                    TestInfrastructure.owner().value("select count(*) from pg_stat_activity where wait_event_type = "
                            + "'Lock' and query like '%from accounts where id = $1 for no key update%'")) > 0);
            assertThat(second).as("the next check of room waits for the first").isNotDone();

            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
    }

    private void inTransaction(AccountId account, Runnable work) {
        Tenancy.runAs(account, () -> new TransactionTemplate(transactions).executeWithoutResult(status -> work.run()));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAgentLimitNamesItself() {
        http().bearer(fixtures.superAdmin()).put(base, Map.of("limits", Map.of("max_agents", 2)));
        fixtures.member(acme.admin().token(), acme.id(), "agent");

        var third = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/users",
                Map.of("email", Fixtures.uniqueEmail("third"), "name", "Third", "role", "agent"));

        assertThat(third.status()).isEqualTo(403);
        assertThat(third.contentType()).startsWith("application/problem+json");
        assertThat(third.json().get("limit").asString()).isEqualTo("max_agents");
        assertThat(third.json().get("max").asLong()).isEqualTo(2);
        assertThat(third.json().get("detail").asString()).contains("max_agents");
    }

    @Test
    void aFeatureOutsideThePlanIsRefused() {
        http().bearer(fixtures.superAdmin()).put(base, Map.of("features", Map.of("api_keys", false)));

        var response = http().bearer(acme.admin().token()).post("/api/v1/accounts/" + acme.id() + "/api-keys",
                Map.of("name", "ci", "scopes", List.of("users:read")));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("feature").asString()).isEqualTo("api_keys");
    }

    @Test
    void monthlyMessagesHoldUnderConcurrencyAndShowAsUsage() throws Exception {
        http().bearer(fixtures.superAdmin()).put(base, Map.of("limits", Map.of("max_monthly_messages", 10)));
        var account = AccountId.of(acme.id());
        var transaction = new TransactionTemplate(transactions);
        var sent = new AtomicInteger();
        var refused = new AtomicInteger();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var tasks = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 25; i++) {
                tasks.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    try {
                        Tenancy.runAs(account, () -> transaction.executeWithoutResult(
                                status -> entitlements.recordMessages(account, 1)));
                        sent.incrementAndGet();
                    } catch (ApiProblem e) {
                        assertThat(e.properties()).containsEntry("limit", "max_monthly_messages");
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var task : tasks) {
                task.get();
            }
        }

        assertThat(sent).hasValue(10);
        assertThat(refused).hasValue(15);
        assertThat(http().bearer(acme.admin().token()).get(base).json().get("usage").get("monthly_messages").asLong())
                .isEqualTo(10);
    }

    @Test
    void aRolledBackSendGivesItsMessagesBack() {
        var account = AccountId.of(acme.id());
        var transaction = new TransactionTemplate(transactions);

        Tenancy.runAs(account, () -> transaction.executeWithoutResult(status -> {
            entitlements.recordMessages(account, 7);
            status.setRollbackOnly();
        }));
        long total = Tenancy.callAs(account, () -> transaction.execute(status -> entitlements.recordMessages(account, 2)));

        assertThat(total).isEqualTo(2);
    }


    /** Every new account gets a default board shortly after it is created. */
    private void awaitDefaultBoard() {
        var deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            var boards = http().bearer(acme.admin().token()).get("/api/v1/accounts/" + acme.id() + "/boards");
            if (boards.status() == 200 && !boards.json().get("items").isEmpty()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("no default board for account " + acme.id());
    }
}
