package com.whatpro.hub.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.BeforeEach;

import tools.jackson.databind.JsonNode;

/** The web app's tests: a tenant whose account is linked to a Chatwoot account, with its default board. */
abstract class WebAppTest extends IntegrationTest {

    /** Stands in for the Chatwoot installation (whatpro.chatwoot.url): another origin than the hub's. */
    static final WireMockServer CHATWOOT = TestInfrastructure.chatwoot();

    static String chatwootOrigin() {
        return CHATWOOT.baseUrl();
    }

    static final AtomicLong CHATWOOT_ACCOUNTS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L);

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    long chatwootAccountId;
    JsonNode board;
    String base;

    @BeforeEach
    void tenant() {
        fixtures = new Fixtures(http());
        chatwootAccountId = CHATWOOT_ACCOUNTS.incrementAndGet();
        var account = fixtures.createAccount("Acme " + chatwootAccountId, chatwootAccountId);
        tenant = new Fixtures.Tenant(account, fixtures.member(fixtures.superAdmin(), account, "admin"));
        board = defaultBoard(tenant.admin().token(), tenant.id());
        base = "http://localhost:" + port;
    }

    static void until(String what, BooleanSupplier condition) {
        var end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    JsonNode defaultBoard(String token, long account) {
        var id = new String[1];
        until("the account has its default board", () -> {
            var boards = http().bearer(token).get("/api/v1/accounts/" + account + "/boards");
            if (boards.status() == 200 && !boards.json().get("items").isEmpty()) {
                id[0] = boards.json().get("items").get(0).get("id").asString();
            }
            return id[0] != null;
        });
        return http().bearer(token).get("/api/v1/accounts/" + account + "/boards/" + id[0]).json();
    }

    String stageId(int index) {
        return board.get("stages").get(index).get("id").asString();
    }

    String stageName(int index) {
        return board.get("stages").get(index).get("name").asString();
    }

    JsonNode apiCard(String token, String title, String stageId, Map<String, Object> extra) {
        var body = new java.util.LinkedHashMap<String, Object>(extra);
        body.put("stage_id", stageId);
        body.put("title", title);
        var created = http().bearer(token).post("/api/v1/accounts/" + tenant.id() + "/boards/" + board.get("id").asString()
                + "/cards", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    JsonNode cardFromApi(String id) {
        return http().bearer(tenant.admin().token()).get("/api/v1/accounts/" + tenant.id() + "/cards/" + id).json();
    }

}
