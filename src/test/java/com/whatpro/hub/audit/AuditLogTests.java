package com.whatpro.hub.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Caller;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;


class AuditLogTests extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    JdbcClient jdbc;

    Fixtures fixtures;
    Fixtures.Tenant acme;
    String base;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        acme = fixtures.tenant("Acme");
        base = "/api/v1/accounts/" + acme.id();
    }

    @Test
    void everyKindOfEventIsAuditedWithNothingSecretInIt() throws Exception {
        var admin = http().bearer(acme.admin().token()).with("User-Agent", "audit-test/1.0");
        var secrets = new ArrayList<String>();
        secrets.add(Fixtures.PASSWORD);
        secrets.add(acme.admin().token());

        // sign-ins: a good one, a bad one, a refresh-token reuse, a logout
        var login = fixtures.loginResponse(acme.admin().email(), Fixtures.PASSWORD);
        var refresh = refreshToken(login);
        secrets.add(refresh);
        secrets.add(login.json().get("access_token").asString());
        fixtures.loginResponse(acme.admin().email(), "a wrong password that must not be logged");
        secrets.add("a wrong password that must not be logged");
        var rotated = http().post("/api/v1/auth/refresh", Map.of("refresh_token", refresh));
        assertThat(rotated.status()).isEqualTo(200);
        secrets.add(refreshToken(rotated));
        assertThat(http().post("/api/v1/auth/refresh", Map.of("refresh_token", refresh)).status()).isEqualTo(401);
        assertThat(http().bearer(fixtures.login(acme.admin().email(), Fixtures.PASSWORD)).post("/api/v1/auth/logout", "")
                .status()).isEqualTo(204);

        // members: added with a password, role changed, removed
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        assertThat(admin.patch(base + "/users/" + agent.id(), Map.of("role", "supervisor")).status()).isEqualTo(200);
        assertThat(admin.delete(base + "/users/" + agent.id()).status()).isEqualTo(204);

        // keys, teams, the account, its entitlements
        var key = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");
        secrets.add(key);
        secrets.add(key.substring("wph_".length() + 13));
        var keyId = admin.get(base + "/api-keys").json().get("items").get(0).get("id").asString();
        assertThat(admin.delete(base + "/api-keys/" + keyId).status()).isEqualTo(204);
        var team = admin.post(base + "/teams", Map.of("name", "Sales")).json().get("id").asString();
        assertThat(admin.patch(base + "/teams/" + team, Map.of("name", "Sales EU")).status()).isEqualTo(200);
        assertThat(admin.post(base + "/teams/" + team + "/members", Map.of("user_id", acme.admin().id())).status())
                .isEqualTo(201);
        assertThat(admin.delete(base + "/teams/" + team).status()).isEqualTo(204);
        assertThat(admin.patch(base, Map.of("name", "Acme Ltd", "settings", Map.of("api_token", "tok-123-secret"))).status())
                .isEqualTo(200);
        secrets.add("tok-123-secret");
        assertThat(http().bearer(fixtures.superAdmin()).put(base + "/entitlements",
                Map.of("limits", Map.of("max_teams", 9))).status()).isEqualTo(200);

        var rows = ownerRows("select * from audit_log where account_id = " + acme.id()
                + " or changes->>'user_id' = '" + acme.admin().id() + "'"
                + " or (action = 'auth.login_failed' and changes->>'email' = '" + acme.admin().email() + "')");
        var actions = rows.stream().map(row -> row.get("action")).toList();
        assertThat(actions).contains("account.created", "member.added", "auth.login", "auth.login_failed",
                "auth.refresh_token_reused", "auth.session_revoked", "member.role_changed", "member.removed",
                "api_key.created", "api_key.revoked", "team.created", "team.updated", "team.member_added",
                "team.deleted", "account.updated", "account.entitlements_changed");
        for (var row : rows) {
            for (var secret : secrets) {
                assertThat(row.toString()).as(row.get("action") + " holds a secret").doesNotContain(secret);
            }
        }
        var renamed = rows.stream().filter(row -> "account.updated".equals(row.get("action"))).findFirst().orElseThrow();
        assertThat(renamed.get("changes")).contains("[redacted]", "Acme Ltd");
        var roleChange = rows.stream().filter(row -> "member.role_changed".equals(row.get("action"))).findFirst().orElseThrow();
        assertThat(roleChange.get("actor_type")).isEqualTo("user");
        assertThat(roleChange.get("actor_id")).isEqualTo(acme.admin().id().toString());
        assertThat(roleChange.get("user_agent")).isEqualTo("audit-test/1.0");
        assertThat(roleChange.get("ip_address")).isEqualTo("127.0.0.1");
        assertThat(roleChange.get("request_id")).isNotBlank();
        var failed = rows.stream().filter(row -> "auth.login_failed".equals(row.get("action"))).findFirst().orElseThrow();
        assertThat(failed.get("actor_type")).isEqualTo("anonymous");
        assertThat(failed.get("account_id")).isNull();
        var signedIn = rows.stream().filter(row -> "auth.login".equals(row.get("action"))).findFirst().orElseThrow();
        assertThat(signedIn.get("actor_id")).isEqualTo(acme.admin().id().toString());
    }

    @Test
    void theAuditLogListsNewestFirstWithFiltersAndCursorPaging() {
        var admin = http().bearer(acme.admin().token());
        for (var name : List.of("One", "Two", "Three")) {
            assertThat(admin.post(base + "/teams", Map.of("name", name)).status()).isEqualTo(201);
        }
        var before = Instant.now();

        var first = admin.get(base + "/audit-logs?resource_type=team&limit=2");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("items")).hasSize(2);
        assertThat(first.json().get("items").get(0).get("changes").get("name").asString()).isEqualTo("Three");
        var cursor = first.json().get("next_cursor").asString();
        var second = admin.get(base + "/audit-logs?resource_type=team&limit=2&cursor=" + cursor);
        assertThat(second.json().get("items")).hasSize(1);
        assertThat(second.json().get("items").get(0).get("changes").get("name").asString()).isEqualTo("One");
        assertThat(second.json().get("next_cursor").isNull()).isTrue();

        var item = first.json().get("items").get(0);
        assertThat(item.get("actor").get("type").asString()).isEqualTo("user");
        assertThat(item.get("actor").get("id").asString()).isEqualTo(acme.admin().id().toString());
        assertThat(item.get("action").asString()).isEqualTo("team.created");
        assertThat(item.get("at").asString()).isNotBlank();
        assertThat(item.has("ip_address")).isTrue();
        assertThat(item.get("request_id").asString()).isNotBlank();

        var teamId = item.get("resource_id").asString();
        assertThat(admin.get(base + "/audit-logs?resource_type=team&resource_id=" + teamId).json().get("items")).hasSize(1);
        assertThat(admin.get(base + "/audit-logs?action=team.*").json().get("items")).hasSize(3);
        assertThat(admin.get(base + "/audit-logs?action=member.added").json().get("items")).hasSize(1);
        assertThat(admin.get(base + "/audit-logs?actor_id=" + acme.admin().id()).json().get("items")).hasSize(3);
        assertThat(admin.get(base + "/audit-logs?from=" + before).json().get("items")).isEmpty();
        assertThat(admin.get(base + "/audit-logs?to=" + before + "&action=team.created").json().get("items")).hasSize(3);
        assertThat(admin.get(base + "/audit-logs?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z").status())
                .isEqualTo(422);
        assertThat(admin.get(base + "/audit-logs?from=yesterday").status()).isEqualTo(400);
        assertThat(admin.get(base + "/audit-logs?limit=500").status()).isEqualTo(422);
    }

    /**
     * Found in review: epoch milliseconds past any timestamp PostgreSQL holds were a 500, and a time before the
     * year -290 million an ArithmeticException (a 500) in the id bounds.
     */
    @Test
    void timesOutsideTheYears1To9999AreRefusedAndTheEdgesWork() {
        var admin = http().bearer(acme.admin().token());
        assertThat(admin.post(base + "/teams", Map.of("name", "Edge")).status()).isEqualTo(201);

        for (var query : List.of("from=9223372036854775807", "from=-999999999-01-01T00:00:00Z",
                "to=%2B300000-01-01T00:00:00Z", "to=-5000-01-01T00:00:00Z", "from=-62135596800001")) {
            var refused = admin.get(base + "/audit-logs?" + query);
            assertThat(refused.status()).as(query + ": " + refused.body()).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("errors").get(0).get("field").asString()).as(query)
                    .isEqualTo(query.substring(0, query.indexOf('=')));
        }
        var all = admin.get(base + "/audit-logs?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&action=team.created");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().get("items")).hasSize(1);
        assertThat(admin.get(base + "/audit-logs?from=0&action=team.created").json().get("items")).hasSize(1);
    }

    @Test
    void onlyAdminsAndKeysWithTheScopeReadTheirOwnAccountsLog() {
        var agent = fixtures.member(acme.admin().token(), acme.id(), "agent");
        var other = fixtures.tenant("Other");
        var reader = fixtures.apiKey(acme.admin().token(), acme.id(), "audit:read");
        var notReader = fixtures.apiKey(acme.admin().token(), acme.id(), "users:read");

        assertThat(http().bearer(agent.token()).get(base + "/audit-logs").status()).isEqualTo(403);
        assertThat(http().bearer(other.admin().token()).get(base + "/audit-logs").status()).isEqualTo(404);
        assertThat(http().bearer(notReader).get(base + "/audit-logs").status()).isEqualTo(403);
        var viaKey = http().bearer(reader).get(base + "/audit-logs");
        assertThat(viaKey.status()).isEqualTo(200);
        assertThat(viaKey.json().get("items").findValuesAsString("action")).contains("account.created")
                .doesNotContain("auth.login");
        var otherLog = http().bearer(other.admin().token()).get("/api/v1/accounts/" + other.id() + "/audit-logs");
        assertThat(otherLog.json().get("items").findValuesAsString("resource_id")).doesNotContain(agent.id().toString());
    }

    @Test
    void theActorIsTheCallerElseWhomTheEventNamesElseTheSystem() throws Exception {
        var account = AccountId.of(acme.id());
        var key = new Caller.ApiKey(UUID.randomUUID(), account, java.util.Set.of("cards:write"), acme.admin().id());
        var action = "test.by_key_" + UUID.randomUUID().toString().substring(0, 8);
        SecurityContextHolder.getContext().setAuthentication(
                new UsernamePasswordAuthenticationToken(key, null, List.of()));
        try {
            // as the service publishes an account's events: inside its tenant scope
            Tenancy.runAs(account, () -> events.publishEvent(new TestEvent(account, action)));
        } finally {
            SecurityContextHolder.clearContext();
        }
        var byKey = ownerRows("select * from audit_log where action = '" + action + "'");
        assertThat(byKey).singleElement().satisfies(row -> {
            assertThat(row.get("actor_type")).isEqualTo("api_key");
            assertThat(row.get("actor_id")).isEqualTo(key.keyId().toString());
            assertThat(row.get("changes")).doesNotContain("never-seen");
        });

        var login = ownerRows("select * from audit_log where action = 'auth.login' and actor_id = '"
                + acme.admin().id() + "'");
        assertThat(login).isNotEmpty().allSatisfy(row -> assertThat(row.get("actor_type")).isEqualTo("user"));
    }

    @Test
    void aWrongPasswordGivenToAddAnExistingUserIsAuditedAsAFailedSignInByTheAdminWhoTriedIt() throws Exception {
        var globex = fixtures.tenant("Globex");

        var refused = http().bearer(globex.admin().token()).post("/api/v1/accounts/" + globex.id() + "/users",
                Map.of("email", acme.admin().email(), "name", "Guess", "role", "agent", "password", "a guess of twelve"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(ownerRows("select * from audit_log where action = 'auth.login_failed' and changes->>'email' = '"
                + acme.admin().email() + "'")).singleElement().satisfies(row -> {
                    assertThat(row.get("actor_type")).isEqualTo("user");
                    assertThat(row.get("actor_id")).isEqualTo(globex.admin().id().toString());
                    assertThat(row.get("changes")).contains("wrong_password").doesNotContain("a guess of twelve");
                });
    }

    @Test
    void plansWithoutTheAuditLogCannotReadIt() {
        http().bearer(fixtures.superAdmin()).put(base + "/entitlements", Map.of("plan", "free"));

        var response = http().bearer(acme.admin().token()).get(base + "/audit-logs");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("feature").asString()).isEqualTo("audit_log");
        assertThat(http().bearer(fixtures.superAdmin()).get(base + "/audit-logs").status()).isEqualTo(200);
    }

    @Test
    void aRolledBackChangeLeavesNoAuditRowAndACommittedOneDoes() throws Exception {
        var transaction = new TransactionTemplate(transactions);
        var account = AccountId.of(acme.id());
        var rolledBack = "test.rolled_back_" + UUID.randomUUID().toString().substring(0, 8);
        var committed = "test.committed_" + UUID.randomUUID().toString().substring(0, 8);

        Tenancy.runAs(account, () -> transaction.executeWithoutResult(status -> {
            events.publishEvent(new TestEvent(account, rolledBack));
            status.setRollbackOnly();
        }));
        Tenancy.runAs(account, () -> transaction.executeWithoutResult(status ->
                events.publishEvent(new TestEvent(account, committed))));
        events.publishEvent(new TestEvent(null, committed + "_outside"));

        assertThat(ownerRows("select * from audit_log where action = '" + rolledBack + "'")).isEmpty();
        var rows = ownerRows("select * from audit_log where action like '" + committed + "%'");
        assertThat(rows).hasSize(2);
        assertThat(rows).allSatisfy(row -> assertThat(row.get("actor_type")).isEqualTo("system"));
    }

    @Test
    void aFailingAuditWriteFailsTheChange() {
        var transaction = new TransactionTemplate(transactions);

        var account = AccountId.of(acme.id());

        assertThatThrownBy(() -> Tenancy.runAs(account, () -> transaction.executeWithoutResult(status ->
                events.publishEvent(new TestEvent(account, "x".repeat(101))))))
                .isInstanceOf(RuntimeException.class).rootCause().hasMessageContaining("audit_log_action_check");
    }

    @Test
    void theServiceRoleCanAppendButNeverChangeOrRemoveAuditRows() throws Exception {
        try (var service = dataSource.getConnection()) {
            assertThat(service.getMetaData().getUserName()).isNotEqualTo(TestInfrastructure.owner().username());
            service.setAutoCommit(true);
            try (var insert = service.prepareStatement("""
                    insert into audit_log (id, actor_type, action, resource_type) values (?, 'system', 'test.direct', 'test')
                    """)) {
                insert.setObject(1, UUID.randomUUID());
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            for (var statement : List.of("update audit_log set action = 'tampered'", "delete from audit_log",
                    "truncate audit_log")) {
                assertThatThrownBy(() -> service.createStatement().execute(statement))
                        .as(statement)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                        .hasMessageContaining("permission denied");
            }
        }
        assertThat(ownerRows("select * from audit_log where action = 'tampered'")).isEmpty();
        assertThat(ownerRows("select * from audit_log where action = 'account.created' and account_id = " + acme.id()))
                .hasSize(1);
    }

    @Test
    void theServiceRoleCannotAppendAuditRowsToAnotherTenantsLog() throws Exception {
        var other = fixtures.tenant("Victim");
        var transaction = new TransactionTemplate(transactions);
        var planted = "test.planted_" + UUID.randomUUID().toString().substring(0, 8);
        var own = "test.own_" + UUID.randomUUID().toString().substring(0, 8);
        var insert = "insert into audit_log (id, account_id, actor_type, action, resource_type) values (?, ?, 'system', ?, 'test')";

        assertThatThrownBy(() -> Tenancy.runAs(AccountId.of(acme.id()), () -> transaction.executeWithoutResult(status ->
                jdbc.sql(insert).params(UUID.randomUUID(), other.id(), planted).update())))
                .rootCause().hasMessageContaining("violates row-level security policy");
        assertThatThrownBy(() -> transaction.executeWithoutResult(status ->
                jdbc.sql(insert).params(UUID.randomUUID(), other.id(), planted).update()))
                .rootCause().hasMessageContaining("violates row-level security policy");
        Tenancy.runAs(AccountId.of(acme.id()), () -> transaction.executeWithoutResult(status -> {
            jdbc.sql(insert).params(UUID.randomUUID(), acme.id(), own).update();
            jdbc.sql("insert into audit_log (id, account_id, actor_type, action, resource_type) "
                    + "values (?, null, 'system', ?, 'test')").params(UUID.randomUUID(), own).update();
        }));

        assertThat(ownerRows("select * from audit_log where action = '" + planted + "'")).isEmpty();
        assertThat(ownerRows("select * from audit_log where action = '" + own + "'")).hasSize(2);
        var log = http().bearer(other.admin().token()).get("/api/v1/accounts/" + other.id() + "/audit-logs");
        assertThat(log.body()).doesNotContain(planted);
    }

    record TestEvent(@Nullable AccountId account, String action) implements Auditable {

        @Override
        public @Nullable AccountId auditAccount() {
            return account;
        }

        @Override
        public String auditAction() {
            return action;
        }

        @Override
        public String auditResourceType() {
            return "test";
        }

        @Override
        public @Nullable String auditResourceId() {
            return null;
        }

        @Override
        public Map<String, ?> auditChanges() {
            return Map.of("password", "never-seen");
        }
    }

    private static List<Map<String, String>> ownerRows(String sql) throws SQLException {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var rs = connection.createStatement().executeQuery(sql)) {
            var rows = new ArrayList<Map<String, String>>();
            var meta = rs.getMetaData();
            while (rs.next()) {
                var row = new java.util.LinkedHashMap<String, String>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static String refreshToken(com.whatpro.hub.TestHttp.Response response) {
        var cookie = response.header("Set-Cookie");
        return cookie.substring("whatpro_refresh=".length(), cookie.indexOf(';'));
    }

}
