package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import com.whatpro.hub.providers.adapters.WebhookSetContracts;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provisioning a number waits for the provider with no database connection and no lock held: a short transaction
 * reserves the number's place against {@code max_providers} and its name, the provider is called with no transaction
 * open, and a second short transaction stores the number in place of the reservation (or a failure gives the
 * reservation back). Against a WireMock Evolution API, slow where a test says so; every request it receives is
 * checked against the Evolution v2.3 Postman collection. The pool is the tests' own (10 connections).
 */
@TestPropertySource(properties = {
        "whatpro.public-url=" + NumbersTests.PUBLIC_URL,
        "whatpro.providers.health-check-poll=1h"})
class ProvisionReservationsTests extends IntegrationTest {

    private static final String GLOBAL_KEY = "GLOBAL-EVOLUTION-KEY-429683C4C977415CAAFCCE10F7D57E11";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final int PROVIDER_DELAY_MS = 3_000;
    private static final Duration PROMPT = Duration.ofSeconds(1);
    private static final AtomicLong MESSAGES = new AtomicLong();

    // enough threads that all the provisions' slow answers are under way at once
    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().containerThreads(80)).build();

    @Autowired
    ProviderMaintenance maintenance;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        evolution.stubFor(post(urlPathMatching("/webhook/set/.+")).willReturn(okJson("{\"webhook\": {}}").withStatus(201)));
    }

    @AfterEach
    void everyRequestMatchesItsSpec() {
        for (var event : evolution.getAllServeEvents()) {
            var request = event.getRequest();
            var path = URI.create(request.getUrl()).getRawPath();
            if (path.equals("/instance/create")) {
                COLLECTION.assertCreateInstanceConforms(request);
            } else if (path.startsWith("/webhook/set/")) {
                WebhookSetContracts.assertEvolutionConforms(request, path.substring(path.lastIndexOf('/') + 1));
            } else {
                throw new AssertionError("unexpected Evolution request " + path);
            }
        }
    }

    @Test
    void provisionsWaitingOnASlowProviderLeaveOtherAccountsWebhooksAndReadinessPrompt() throws Exception {
        var tenant = fixtures.tenant("Slow provisions");
        var bystander = fixtures.tenant("Bystander");
        var admin = http().bearer(tenant.admin().token());
        var other = http().bearer(bystander.admin().token());
        var ownWebhook = plainNumber(admin, tenant.id(), "Existing", "existing");
        var otherWebhook = plainNumber(other, bystander.id(), "Bystander", "bystander");
        limitProviders(tenant.id(), 21);
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson(createdAnswer("slow", "T"))
                .withStatus(201).withFixedDelay(PROVIDER_DELAY_MS)));
        var probes = List.of(
                new Probe("another account's API read", () -> other.get(providers(bystander.id()))),
                new Probe("another account's provider webhook", () -> webhook(otherWebhook, "bystander")),
                new Probe("the provisioning account's provider webhook", () -> webhook(ownWebhook, "existing")),
                new Probe("readiness", () -> http().get("/health/ready")));
        // what is measured below is the provisions' effect, not a first call's
        probes.forEach(Probe::call);

        List<Integer> statuses = new ArrayList<>();
        var late = new ArrayList<String>();
        var rounds = 0;
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<Integer>>();
            for (int i = 1; i <= 25; i++) {
                var body = provision("Slow " + i, "slow-" + i);
                answers.add(callers.submit(() -> admin.post(providers(tenant.id()), body).status()));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !evolution.findAll(postRequestedFor(urlPathEqualTo("/instance/create"))).isEmpty());

            var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (late.isEmpty() && answers.stream().anyMatch(answer -> !answer.isDone())
                    && System.nanoTime() < deadline) {
                for (var probe : probes) {
                    var started = System.nanoTime();
                    var response = probe.call();
                    var took = Duration.ofNanos(System.nanoTime() - started);
                    if (response.status() / 100 != 2 || took.compareTo(PROMPT) > 0) {
                        late.add(probe.name() + ": " + response.status() + " after " + took.toMillis() + " ms");
                    }
                }
                rounds++;
            }
            assertThat(late).as("calls made while 25 provisions waited on a provider answering after %d ms",
                    PROVIDER_DELAY_MS).isEmpty();
            for (var answer : answers) {
                statuses.add(answer.get(30, TimeUnit.SECONDS));
            }
        }

        assertThat(rounds).as("rounds of calls made while provisions were under way").isPositive();
        assertThat(statuses).as("20 places left for 25 provisions").containsOnly(201, 403);
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(20);
        assertThat(admin.get(providers(tenant.id())).json().get("items")).hasSize(21);
        evolution.verify(20, postRequestedFor(urlPathEqualTo("/instance/create")));
        assertThat(reservations(tenant.id())).as("reservations left").isZero();
    }

    @Test
    void aFailedProvisionLeavesNothingBehindAndFreesItsPlace() throws Exception {
        var tenant = fixtures.tenant("Refused provision");
        var admin = http().bearer(tenant.admin().token());
        limitProviders(tenant.id(), 1);
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\": 401, \"error\": \"Unauthorized\", \"response\": {\"message\": \"Unauthorized\"}}")));

        var refused = admin.post(providers(tenant.id()), provision("Sales", "sales"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.json().get("type").asString()).endsWith("provider-rejected");
        assertThat(admin.get(providers(tenant.id())).json().get("items")).isEmpty();
        assertThat(reservations(tenant.id())).isZero();

        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson(createdAnswer("sales", "T"))
                .withStatus(201)));
        var again = admin.post(providers(tenant.id()), provision("Sales", "sales"));

        assertThat(again.status()).as("the same name, in the place the failure gave back").isEqualTo(201);
        assertThat(reservations(tenant.id())).isZero();
    }

    @Test
    void aProvisionUnderWayHoldsItsPlaceAndNameAndOneACrashLeftBehindExpires() throws Exception {
        var tenant = fixtures.tenant("Crashed provision");
        var admin = http().bearer(tenant.admin().token());
        limitProviders(tenant.id(), 1);
        TestInfrastructure.owner().execute("insert into provider_provisions (id, account_id, name, expires_at) "
                + "values (gen_random_uuid(), " + tenant.id() + ", 'Pending', now() + interval '4 minutes')");
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson(createdAnswer("pending", "T"))
                .withStatus(201)));

        var full = admin.post(providers(tenant.id()), provision("Other", "other"));
        assertThat(full.status()).as(full.body()).isEqualTo(403);
        assertThat(full.json().get("limit").asString()).isEqualTo("max_providers");
        evolution.verify(0, postRequestedFor(urlPathEqualTo("/instance/create")));

        limitProviders(tenant.id(), 2);
        var taken = admin.post(providers(tenant.id()), provision("pending", "pending"));
        assertThat(taken.status()).as("the name of a provision under way").isEqualTo(409);
        assertThat(taken.json().get("detail").asString()).contains("being provisioned");
        assertThat(admin.post(providers(tenant.id()), ProvidersTests.evolutionProvider("PENDING", "pending",
                evolution.baseUrl(), "k")).status()).as("created without provision").isEqualTo(409);
        evolution.verify(0, postRequestedFor(urlPathEqualTo("/instance/create")));

        // the node that made it crashed: once its time is up it counts no more and its name is free again
        TestInfrastructure.owner().execute("update provider_provisions set expires_at = now() - interval '1 second' "
                + "where account_id = " + tenant.id());
        limitProviders(tenant.id(), 1);
        var created = admin.post(providers(tenant.id()), provision("Pending", "pending"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(reservations(tenant.id())).as("the expired reservation, deleted by the next provision").isZero();
        assertThat(admin.get(providers(tenant.id())).json().get("items")).hasSize(1);

        var elsewhere = fixtures.tenant("Crashed elsewhere");
        TestInfrastructure.owner().execute("insert into provider_provisions (id, account_id, name, expires_at) "
                + "values (gen_random_uuid(), " + elsewhere.id() + ", 'Left', now() - interval '1 second')");
        maintenance.dropExpiredProvisions();
        assertThat(reservations(elsewhere.id())).as("deleted by the providers' maintenance").isZero();
    }

    // ------------------------------------------------------------------ helpers

    private record Probe(String name, Supplier<TestHttp.Response> request) {

        TestHttp.Response call() {
            return request.get();
        }
    }

    private static String providers(long account) {
        return "/api/v1/accounts/" + account + "/providers";
    }

    private void limitProviders(long account, int max) {
        var changed = http().bearer(fixtures.superAdmin()).put("/api/v1/accounts/" + account + "/entitlements",
                Map.of("limits", Map.of("max_providers", max)));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }

    /** A number created without provision; returns the path of its webhook URL. */
    private static String plainNumber(TestHttp admin, long account, String name, String instance) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", "evolution");
        body.put("base_url", evolution.baseUrl());
        body.put("instance_name", instance);
        body.put("credentials", Map.of("api_key", "instance-key-" + instance));
        var created = admin.post(providers(account), body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return URI.create(created.json().get("webhook_url").asString()).getRawPath();
    }

    private static Map<String, Object> provision(String name, String instance) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", "evolution");
        body.put("base_url", evolution.baseUrl());
        body.put("instance_name", instance);
        body.put("provision", true);
        body.put("credentials", Map.of("api_key", GLOBAL_KEY));
        return body;
    }

    /** An incoming text message, as Evolution 2.3 posts {@code messages.upsert}; a new message id each time. */
    private TestHttp.Response webhook(String path, String instance) {
        var data = JSON.createObjectNode();
        data.putObject("key").put("remoteJid", "5511977776666@s.whatsapp.net").put("fromMe", false)
                .put("id", "3EB0SLOW" + MESSAGES.incrementAndGet());
        data.put("pushName", "Bia").put("status", "DELIVERY_ACK").put("messageType", "conversation")
                .put("messageTimestamp", 1_717_689_097L);
        data.putObject("message").put("conversation", "Oi");
        var root = JSON.createObjectNode().put("event", "messages.upsert").put("instance", instance);
        root.set("data", data);
        root.put("destination", NumbersTests.PUBLIC_URL).put("date_time", "2026-12-03T13:38:17.123Z")
                .put("server_url", "https://evolution.example.com");
        return http().send(http().request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(root))));
    }

    /** As Evolution 2.3's instance controller answers a create. */
    private static String createdAnswer(String instance, String token) {
        return """
                {"instance": {"instanceName": "%s", "instanceId": "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
                  "integration": "WHATSAPP-BAILEYS", "webhookWaBusiness": null, "accessTokenWaBusiness": "",
                  "status": "close"},
                 "hash": "%s", "webhook": {}, "settings": {}, "qrcode": {"count": 0}}""".formatted(instance, token);
    }

    private static long reservations(long account) throws java.sql.SQLException {
        return Long.parseLong(TestInfrastructure.owner().value(
                "select count(*) from provider_provisions where account_id = " + account));
    }
}
