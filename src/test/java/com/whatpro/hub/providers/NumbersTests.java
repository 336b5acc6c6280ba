package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TcpForwarder;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import com.whatpro.hub.providers.adapters.SpecValidator;
import com.whatpro.hub.providers.adapters.WebhookSetContracts;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WhatsApp number's whole life through the API, against WireMock fakes of Evolution API and uazapi: provision,
 * connect by QR code and pairing code, follow the connection on the events stream as the provider's webhooks arrive,
 * log out, restart, delete. Every request the fakes receive is checked against the Evolution v2.3 Postman collection
 * or the uazapi OpenAPI document.
 */
@TestPropertySource(properties = {
        "whatpro.public-url=" + NumbersTests.PUBLIC_URL,
        "whatpro.providers.health-check-poll=1h"})
class NumbersTests extends IntegrationTest {

    static final String PUBLIC_URL = "https://hub.example.test";
    private static final String GLOBAL_KEY = "GLOBAL-EVOLUTION-KEY-429683C4C977415CAAFCCE10F7D57E11";
    private static final String ADMIN_TOKEN = "UAZAPI-ADMIN-TOKEN-8f7c";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final SpecValidator UAZAPI = SpecValidator.uazapi();
    private static final Duration WAIT = Duration.ofSeconds(15);
    // a real PNG (1x1), as Evolution sends a QR code when it draws it itself
    private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
            + "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension uazapi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @org.springframework.beans.factory.annotation.Autowired
    ProviderHealth health;

    private Fixtures fixtures;
    private Fixtures.Tenant tenant;
    private TestHttp admin;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Numbers");
        admin = http().bearer(tenant.admin().token());
        evolution.stubFor(post(urlPathMatching("/webhook/set/.+")).willReturn(okJson("{\"webhook\": {}}").withStatus(201)));
        // other test contexts' scheduled health checks may probe these numbers: the fakes agree with each story
        connectionStateIs("connecting");
        uazapi.stubFor(post(urlPathEqualTo("/webhook")).willReturn(okJson("[{\"id\": \"w1\", \"enabled\": true}]")));
        uazapi.stubFor(get(urlPathEqualTo("/instance/status")).willReturn(okJson(
                "{\"instance\": {\"status\": \"connecting\"}, \"status\": {\"connected\": false, \"loggedIn\": false}}")));
    }

    @AfterEach
    void everyRequestMatchesItsSpec() {
        for (var event : evolution.getAllServeEvents()) {
            var request = event.getRequest();
            var path = URI.create(request.getUrl()).getRawPath();
            var instance = path.substring(path.lastIndexOf('/') + 1);
            if (path.equals("/instance/create")) {
                COLLECTION.assertCreateInstanceConforms(request);
            } else if (path.equals("/instance/fetchInstances")) {
                COLLECTION.assertConforms(request, "Fetch Instances", "", Set.of());
            } else if (path.startsWith("/webhook/set/")) {
                WebhookSetContracts.assertEvolutionConforms(request, instance);
            } else {
                var name = switch (path.substring(0, path.lastIndexOf('/'))) {
                    case "/instance/connect" -> "Instance Connect";
                    case "/instance/connectionState" -> "Connection Status";
                    case "/instance/restart" -> "Restart Instance";
                    case "/instance/logout" -> "Logout Instance";
                    case "/instance/delete" -> "Delete Instance";
                    default -> throw new AssertionError("unexpected Evolution request " + path);
                };
                COLLECTION.assertConforms(request, name, instance, Set.of());
            }
        }
        uazapi.getAllServeEvents().forEach(event -> UAZAPI.assertValid(event.getRequest()));
    }

    // ------------------------------------------------------------------ Evolution API

    @Test
    void anEvolutionNumberGoesFromProvisionToConnectedOnTheEventsStream() throws Exception {
        var token = "INSTANCE-TOKEN-SALES";
        stubCreate(token);
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/sales-1")).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@y8eK+bjtEjUWy9/FOM7AQ0vQiZvDyWsVUqO6f8l5XyxHZ3F1JkIg==\","
                        + " \"count\": 1}")));

        var created = admin.post(providers(), provision("Sales", "sales-1", evolution.baseUrl()));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var id = created.json().get("id").asString();
        assertThat(created.json().get("provisioned").asBoolean()).isTrue();
        assertThat(created.json().get("status").asString()).isEqualTo("disconnected");
        assertThat(created.body()).doesNotContain(GLOBAL_KEY).doesNotContain(token);
        var create = evolution.findAll(postRequestedFor(urlPathEqualTo("/instance/create"))).getFirst();
        assertThat(create.getHeader("apikey")).isEqualTo(GLOBAL_KEY);
        var webhook = JSON.readTree(create.getBodyAsString()).path("webhook");
        assertThat(webhook.path("url").asString()).isEqualTo(created.json().get("webhook_url").asString())
                .startsWith(PUBLIC_URL);
        assertThat(texts(webhook.path("events"))).contains("QRCODE_UPDATED", "CONNECTION_UPDATE", "MESSAGES_UPSERT");

        var agentToken = fixtures.member(tenant.admin().token(), tenant.id(), "agent").token();
        var agent = http().bearer(agentToken);
        try (var stream = ConnectionEvents.open(port, providers() + "/" + id + "/events", tenant.admin().token());
                var agentStream = ConnectionEvents.open(port, providers() + "/" + id + "/events", agentToken)) {
            assertThat(stream.next(event -> true, WAIT).get("status").asString()).isEqualTo("disconnected");
            assertThat(agentStream.next(event -> true, WAIT).get("status").asString()).isEqualTo("disconnected");

            var qr = admin.post(providers() + "/" + id + "/connect", Map.of());

            assertThat(qr.status()).as(qr.body()).isEqualTo(200);
            assertThat(qr.json().get("status").asString()).isEqualTo("connecting");
            assertThat(decodeQr(qr.json().get("qr_code").asString())).as("the QR code text drawn as a PNG")
                    .isEqualTo("2@y8eK+bjtEjUWy9/FOM7AQ0vQiZvDyWsVUqO6f8l5XyxHZ3F1JkIg==");
            assertThat(Instant.parse(qr.json().get("expires_at").asString()))
                    .isBetween(Instant.now().plusSeconds(30), Instant.now().plusSeconds(46));
            evolution.verify(getRequestedFor(urlPathEqualTo("/instance/connect/sales-1"))
                    .withHeader("apikey", equalTo(token)));
            assertThat(stream.next(event -> !event.path("qr_code").isNull(), WAIT).get("status").asString())
                    .isEqualTo("connecting");

            webhook(created, evolutionEvent("qrcode.updated", "sales-1", JSON.readTree("""
                    {"qrcode": {"instance": "sales-1", "pairingCode": null, "code": "2@second", "base64": "%s"}}"""
                    .formatted(PNG))));

            assertThat(stream.next(event -> PNG.equals(event.path("qr_code").asString(null)), WAIT)
                    .get("status").asString()).as("the refreshed QR code").isEqualTo("connecting");
            assertThat(admin.get(providers() + "/" + id + "/connection").json().get("qr_code").asString())
                    .isEqualTo(PNG);
            // an agent follows the state but never gets a code to link their own phone with
            var agentSees = agent.get(providers() + "/" + id + "/connection");
            assertThat(agentSees.status()).isEqualTo(200);
            assertThat(agentSees.json().get("status").asString()).isEqualTo("connecting");
            assertThat(agentSees.json().get("qr_code").isNull()).isTrue();
            assertThat(agentSees.json().get("pairing_code").isNull()).isTrue();
            assertThat(agentSees.body()).doesNotContain(PNG).doesNotContain("2@");
            var agentEvent = agentStream.next(event -> event.get("status").asString().equals("connecting"), WAIT);
            assertThat(agentEvent.get("qr_code").isNull()).isTrue();
            assertThat(agentEvent.get("pairing_code").isNull()).isTrue();

            evolution.stubFor(get(urlPathEqualTo("/instance/connect/sales-1")).withQueryParam("number",
                    equalTo("5511999999999")).willReturn(okJson(
                    "{\"pairingCode\": \"WZYEH1YY\", \"code\": \"2@third\", \"count\": 3}")));
            var pairing = admin.post(providers() + "/" + id + "/connect", Map.of("phone_number", "+55 11 99999-9999"));

            assertThat(pairing.status()).as(pairing.body()).isEqualTo(200);
            assertThat(pairing.json().get("pairing_code").asString()).isEqualTo("WZYEH1YY");
            assertThat(stream.next(event -> "WZYEH1YY".equals(event.path("pairing_code").asString(null)), WAIT)
                    .get("status").asString()).isEqualTo("connecting");
            assertThat(admin.get(providers() + "/" + id + "/connection").json().get("pairing_code").asString())
                    .isEqualTo("WZYEH1YY");
            assertThat(agent.get(providers() + "/" + id + "/connection").json().get("pairing_code").isNull()).isTrue();

            connectionStateIs("open");
            webhook(created, evolutionEvent("connection.update", "sales-1", JSON.readTree("""
                    {"instance": "sales-1", "wuid": "5511999999999@s.whatsapp.net", "profileName": "Acme Sales",
                     "profilePictureUrl": null, "state": "open", "statusReason": 200}""")));

            var connected = stream.next(event -> event.get("status").asString().equals("connected"), WAIT);
            assertThat(connected.get("phone_number").asString()).isEqualTo("+5511999999999");
            assertThat(connected.get("profile_name").asString()).isEqualTo("Acme Sales");
            assertThat(connected.get("qr_code").isNull()).isTrue();
            assertThat(connected.get("pairing_code").isNull()).isTrue();
            var agentConnected = agentStream.next(event -> {
                assertThat(event.get("qr_code").isNull()).as("no QR code on an agent's stream").isTrue();
                assertThat(event.get("pairing_code").isNull()).as("no pairing code on an agent's stream").isTrue();
                return event.get("status").asString().equals("connected");
            }, WAIT);
            assertThat(agentConnected.get("phone_number").asString()).isEqualTo("+5511999999999");
        }

        var provider = admin.get(providers() + "/" + id).json();
        assertThat(provider.get("status").asString()).isEqualTo("connected");
        assertThat(provider.get("phone_number").asString()).isEqualTo("+5511999999999");
        assertThat(provider.get("connection_updated_at").isNull()).isFalse();
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider");
        assertThat(audit.json().get("items")).extracting(item -> item.get("action").asString())
                .contains("provider.created", "provider.connect_requested", "provider.connection_changed");
        assertThat(audit.body()).doesNotContain(GLOBAL_KEY).doesNotContain(token);
    }

    @Test
    void evolutionGivingUpOnTheQrCodeLeavesTheNumberRefusedUntilConnectedAgain() throws Exception {
        stubCreate("INSTANCE-TOKEN-LIMIT");
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/limit")).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@first\", \"base64\": \"" + PNG + "\", \"count\": 1}")));
        var created = admin.post(providers(), provision("Limit", "limit", evolution.baseUrl()));
        var id = created.json().get("id").asString();
        assertThat(admin.post(providers() + "/" + id + "/connect", Map.of()).json().get("qr_code").asString())
                .as("Evolution's own PNG is passed on").isEqualTo(PNG);

        webhook(created, evolutionEvent("qrcode.updated", "limit", JSON.readTree(
                "{\"message\": \"QR code limit reached, please login again\", \"statusCode\": 500}")));
        webhook(created, evolutionEvent("connection.update", "limit", JSON.readTree(
                "{\"instance\": \"limit\", \"state\": \"refused\", \"statusReason\": 428}")));

        var refused = await().atMost(WAIT).until(() -> admin.get(providers() + "/" + id + "/connection").json(),
                connection -> connection.get("status").asString().equals("refused"));
        assertThat(refused.get("qr_code").isNull()).isTrue();
        connectionStateIs("close");
        assertThat(admin.post(providers() + "/" + id + "/health-check", "").status()).isEqualTo(200);
        assertThat(admin.get(providers() + "/" + id + "/connection").json().get("status").asString())
                .as("Evolution closes the instance after giving up; the number stays refused").isEqualTo("refused");
        assertThat(admin.post(providers() + "/" + id + "/connect", Map.of()).json().get("status").asString())
                .isEqualTo("connecting");
    }

    @Test
    void logoutRestartAndDeleteReachEvolutionWithTheInstanceToken() {
        var token = "INSTANCE-TOKEN-OPS";
        stubCreate(token);
        var id = admin.post(providers(), provision("Ops", "ops", evolution.baseUrl())).json().get("id").asString();
        evolution.stubFor(delete(urlPathEqualTo("/instance/logout/ops")).willReturn(okJson(
                "{\"status\": \"SUCCESS\", \"error\": false, \"response\": {\"message\": \"Instance logged out\"}}")));
        evolution.stubFor(post(urlPathEqualTo("/instance/restart/ops")).inScenario("restart").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"instance\": {\"instanceName\": \"ops\", \"state\": \"connecting\"}}"))
                .willSetStateTo("closed"));
        evolution.stubFor(post(urlPathEqualTo("/instance/restart/ops")).inScenario("restart").whenScenarioStateIs("closed")
                .willReturn(okJson("{\"error\": true, \"message\": \"[object Object]\"}")));
        evolution.stubFor(delete(urlPathEqualTo("/instance/delete/ops")).willReturn(okJson(
                "{\"status\": \"SUCCESS\", \"error\": false, \"response\": {\"message\": \"Instance deleted\"}}")));

        assertThat(admin.post(providers() + "/" + id + "/restart", "").status()).isEqualTo(202);
        var closed = admin.post(providers() + "/" + id + "/restart", "");
        assertThat(closed.status()).as("Evolution's HTTP 200 {error: true}").isEqualTo(502);
        assertThat(closed.json().get("detail").asString()).contains("[object Object]");
        connectionStateIs("close");
        assertThat(admin.post(providers() + "/" + id + "/logout", "").status()).isEqualTo(202);
        assertThat(admin.get(providers() + "/" + id + "/connection").json().get("status").asString())
                .isEqualTo("disconnected");
        assertThat(admin.delete(providers() + "/" + id).status()).isEqualTo(204);

        evolution.verify(deleteRequestedFor(urlPathEqualTo("/instance/logout/ops")).withHeader("apikey", equalTo(token)));
        evolution.verify(2, postRequestedFor(urlPathEqualTo("/instance/restart/ops")).withHeader("apikey", equalTo(token)));
        evolution.verify(deleteRequestedFor(urlPathEqualTo("/instance/delete/ops")).withHeader("apikey", equalTo(token)));
        assertThat(admin.get(providers() + "/" + id).status()).isEqualTo(404);
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider").json();
        assertThat(audit.get("items")).extracting(item -> item.get("action").asString())
                .contains("provider.logged_out", "provider.restarted", "provider.deleted");
    }

    @Test
    void deletingWithKeepInstanceLeavesTheInstanceAndAnInstanceTheProviderNoLongerHasIsGone() {
        stubCreate("INSTANCE-TOKEN-KEEP");
        var kept = admin.post(providers(), provision("Kept", "kept", evolution.baseUrl())).json().get("id").asString();
        var gone = admin.post(providers(), provision("Gone", "gone", evolution.baseUrl())).json().get("id").asString();
        evolution.stubFor(delete(urlPathEqualTo("/instance/delete/gone")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"status\": 404, \"error\": \"Not Found\", \"response\": {\"message\": [\"The \\\"gone\\\" instance does not exist\"]}}")));

        assertThat(admin.delete(providers() + "/" + kept + "?keep_instance=true").status()).isEqualTo(204);
        assertThat(admin.delete(providers() + "/" + gone).status()).isEqualTo(204);

        evolution.verify(0, deleteRequestedFor(urlPathEqualTo("/instance/delete/kept")));
        evolution.verify(1, deleteRequestedFor(urlPathEqualTo("/instance/delete/gone")));
    }

    @Test
    void aRetriedProvisionAdoptsTheInstanceInsteadOfMakingASecondOne() {
        var token = "INSTANCE-TOKEN-RETRY";
        // Evolution: the first create makes the instance, every later one is refused as a duplicate name
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).inScenario("one instance").whenScenarioStateIs(STARTED)
                .willReturn(okJson(createdAnswer("retry", token)).withStatus(201)).willSetStateTo("exists"));
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).inScenario("one instance").whenScenarioStateIs("exists")
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json").withBody(
                        "{\"status\": 403, \"error\": \"Forbidden\", \"response\": {\"message\": [\"This name \\\"retry\\\" is already in use.\"]}}")));
        evolution.stubFor(get(urlPathEqualTo("/instance/fetchInstances")).withQueryParam("instanceName", equalTo("retry"))
                .willReturn(okJson("[{\"id\": \"c2b6a2a0-0000-4000-8000-000000000001\", \"name\": \"retry\","
                        + " \"connectionStatus\": \"close\", \"token\": \"" + token + "\"}]")));
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/retry")).willReturn(okJson(
                "{\"instance\": {\"instanceName\": \"retry\", \"state\": \"open\"}}")));
        var request = provision("Retry", "retry", evolution.baseUrl());

        var first = admin.post(providers(), request);
        var again = admin.post(providers(), request);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).as("the same number twice").isEqualTo(409);
        assertThat(admin.delete(providers() + "/" + first.json().get("id").asString() + "?keep_instance=true")
                .status()).isEqualTo(204);
        var adopted = admin.post(providers(), request);

        assertThat(adopted.status()).as(adopted.body()).isEqualTo(201);
        assertThat(adopted.body()).doesNotContain(token);
        evolution.verify(2, postRequestedFor(urlPathEqualTo("/instance/create")));
        evolution.verify(1, getRequestedFor(urlPathEqualTo("/instance/fetchInstances"))
                .withHeader("apikey", equalTo(GLOBAL_KEY)));
        var connect = admin.post(providers() + "/" + adopted.json().get("id").asString() + "/connect", Map.of());
        assertThat(connect.json().get("status").asString()).as("already linked").isEqualTo("connected");
        evolution.verify(getRequestedFor(urlPathEqualTo("/instance/connect/retry")).withHeader("apikey", equalTo(token)));
    }

    @Test
    void twoProvisionsRacingForTheLastSlotCreateOneInstance() throws Exception {
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson(createdAnswer("race", "T"))
                .withStatus(201).withFixedDelay(300)));
        for (int i = 1; i <= 2; i++) {
            assertThat(admin.post(providers(), ProvidersTests.evolutionProvider("Existing " + i, "existing-" + i,
                    evolution.baseUrl(), "k")).status()).isEqualTo(201);
        }
        List<Callable<Integer>> racers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            var body = provision("Racer " + i, "racer-" + i, evolution.baseUrl());
            racers.add(() -> admin.post(providers(), body).status());
        }

        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(2)) {
            for (var result : pool.invokeAll(racers)) {
                statuses.add(result.get());
            }
        }

        assertThat(statuses).containsExactlyInAnyOrder(201, 403);
        evolution.verify(1, postRequestedFor(urlPathEqualTo("/instance/create")));
        assertThat(admin.get(providers()).json().get("items")).hasSize(3);
    }

    @Test
    void streamsOnEveryNodeFollowTheNumberAndNoRequestWaitsForRedis() throws Exception {
        stubCreate("INSTANCE-TOKEN-NODES");
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/nodes")).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@nodes\", \"base64\": \"" + PNG + "\", \"count\": 1}")));
        evolution.stubFor(delete(urlPathEqualTo("/instance/logout/nodes")).willReturn(okJson(
                "{\"status\": \"SUCCESS\", \"error\": false, \"response\": {\"message\": \"Instance logged out\"}}")));
        var created = admin.post(providers(), provision("Nodes", "nodes", evolution.baseUrl()));
        var events = providers() + "/" + created.json().get("id").asString() + "/events";
        var redis = URI.create(TestInfrastructure.redisUrl());
        try (var line = new TcpForwarder(redis.getHost(), redis.getPort());
                var other = SecondNode.start("--whatpro.redis.url=redis://127.0.0.1:" + line.port(),
                        "--whatpro.gateway.worker.enabled=false", "--whatpro.providers.health-check-poll=1h",
                        "--whatpro.public-url=" + PUBLIC_URL)) {
            var otherPort = other.http().request("/").build().uri().getPort();
            var otherAdmin = other.http().bearer(tenant.admin().token());
            try (var here = ConnectionEvents.open(port, events, tenant.admin().token());
                    var there = ConnectionEvents.open(otherPort, events, tenant.admin().token())) {
                here.next(event -> true, WAIT);
                there.next(event -> true, WAIT);
                await().atMost(WAIT).until(() -> otherAdmin.get(events.replace("/events", "/connection")).status() == 200);

                assertThat(otherAdmin.post(events.replace("/events", "/connect"), Map.of()).status()).isEqualTo(200);
                assertThat(here.next(event -> PNG.equals(event.path("qr_code").asString(null)), WAIT)
                        .get("status").asString()).as("the QR code asked for on the other node").isEqualTo("connecting");

                connectionStateIs("open");
                webhook(created, evolutionEvent("connection.update", "nodes", JSON.readTree("""
                        {"instance": "nodes", "wuid": "5511977776666@s.whatsapp.net", "profileName": "Nodes",
                         "state": "open", "statusReason": 200}""")));
                assertThat(there.next(event -> event.get("status").asString().equals("connected"), WAIT)
                        .get("phone_number").asString()).as("a webhook this node handled, seen on the other")
                        .isEqualTo("+5511977776666");

                line.cut();
                connectionStateIs("close");
                var started = System.nanoTime();
                var logout = otherAdmin.post(events.replace("/events", "/logout"), "");
                var took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(logout.status()).as(logout.body()).isEqualTo(202);
                assertThat(took).as("a logout while Redis is unreachable").isLessThan(Duration.ofMillis(500));
                assertThat(there.next(event -> event.get("status").asString().equals("disconnected"), WAIT))
                        .as("the node's own subscribers still hear it").isNotNull();
                line.restore();
            }
        }
    }

    @Test
    void pollingCatchesAConnectionWhoseWebhookNeverCame() throws Exception {
        stubCreate("INSTANCE-TOKEN-POLLED");
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/polled")).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@polled\", \"base64\": \"" + PNG + "\", \"count\": 1}")));
        var id = admin.post(providers(), provision("Polled", "polled", evolution.baseUrl())).json().get("id")
                .asString();
        admin.post(providers() + "/" + id + "/connect", Map.of());
        assertThat(ProvidersTests.column("select next_check_at <= now() + interval '10 seconds' from providers"
                + " where id = '" + id + "'")).as("a connecting number is asked again within seconds").isEqualTo("t");

        try (var stream = ConnectionEvents.open(port, providers() + "/" + id + "/events", tenant.admin().token())) {
            stream.next(event -> true, WAIT);
            connectionStateIs("open");
            ProvidersTests.sql("update providers set next_check_at = now() where id = '" + id + "'");
            while (health.checkDue() > 0) {
                // other tests' numbers may be due too
            }

            assertThat(stream.next(event -> event.get("status").asString().equals("connected"), WAIT)
                    .get("qr_code").isNull()).isTrue();
        }
    }

    @Test
    void cloudApiNumbersAreNotPairedThroughTheHub() {
        var created = admin.post(providers(), Map.of("name", "Meta", "type", "cloud_api", "credentials", Map.of(
                "access_token", "META-TOKEN", "app_secret", "s", "verify_token", "v", "phone_number_id", "1234567890")));
        var number = providers() + "/" + created.json().get("id").asString();

        for (var operation : List.of("/connect", "/logout", "/restart")) {
            var answer = admin.post(number + operation, Map.of());
            assertThat(answer.status()).as(operation).isEqualTo(422);
            assertThat(answer.json().get("type").asString()).endsWith("unsupported");
        }
        assertThat(admin.get(number + "/connection").json().get("status").asString()).isIn("unknown", "error");
        assertThat(admin.delete(number).status()).as("removed from the hub only").isEqualTo(204);
    }

    // ------------------------------------------------------------------ uazapi

    @Test
    void aUazapiNumberIsProvisionedConnectedLoggedOutAndDeleted() throws Exception {
        var token = "c0ffee00-uaz-4000-8000-000000000001";
        uazapi.stubFor(get(urlPathEqualTo("/instance/all")).willReturn(okJson("[]")));
        uazapi.stubFor(post(urlPathEqualTo("/instance/init")).willReturn(okJson("""
                {"response": "Instance created successfully", "instance": {"id": "r1", "name": "loja", "token": "%s",
                 "status": "disconnected"}, "connected": false, "loggedIn": false, "name": "loja", "token": "%s"}"""
                .formatted(token, token))));
        uazapi.stubFor(post(urlPathEqualTo("/instance/connect")).willReturn(okJson("""
                {"connected": false, "loggedIn": false, "jid": null,
                 "instance": {"id": "r1", "name": "loja", "status": "connecting", "qrcode": "%s", "paircode": ""}}"""
                .formatted(PNG))));
        uazapi.stubFor(post(urlPathEqualTo("/instance/disconnect")).willReturn(okJson(
                "{\"instance\": {\"status\": \"disconnected\"}, \"response\": \"Disconnected\"}")));
        uazapi.stubFor(delete(urlPathEqualTo("/instance")).willReturn(okJson("{\"response\": \"Instance Deleted\"}")));
        var body = new LinkedHashMap<String, Object>(Map.of("name", "Loja", "type", "uazapi", "base_url",
                uazapi.baseUrl(), "instance_name", "loja", "provision", true,
                "credentials", Map.of("admin_token", ADMIN_TOKEN)));

        var created = admin.post(providers(), body);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(ADMIN_TOKEN).doesNotContain(token);
        var id = created.json().get("id").asString();
        uazapi.verify(postRequestedFor(urlPathEqualTo("/instance/init")).withHeader("admintoken", equalTo(ADMIN_TOKEN)));
        uazapi.verify(postRequestedFor(urlPathEqualTo("/webhook")).withHeader("token", equalTo(token)));

        var qr = admin.post(providers() + "/" + id + "/connect", Map.of());
        assertThat(qr.json().get("qr_code").asString()).isEqualTo(PNG);
        assertThat(Instant.parse(qr.json().get("expires_at").asString())).isAfter(Instant.now().plusSeconds(100));
        uazapi.stubFor(post(urlPathEqualTo("/instance/connect")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.phone", equalTo("5511988887777")))
                .willReturn(okJson("""
                        {"connected": false, "loggedIn": false, "jid": null,
                         "instance": {"name": "loja", "status": "connecting", "paircode": "ABCD-1234"}}""")));
        var pairing = admin.post(providers() + "/" + id + "/connect", Map.of("phone_number", "+5511988887777"));
        assertThat(pairing.json().get("pairing_code").asString()).isEqualTo("ABCD-1234");
        assertThat(Instant.parse(pairing.json().get("expires_at").asString())).isAfter(Instant.now().plusSeconds(240));

        uazapi.stubFor(get(urlPathEqualTo("/instance/status")).willReturn(okJson("""
                {"instance": {"status": "connected", "profileName": "Loja Acme"},
                 "status": {"connected": true, "loggedIn": true, "jid": {"user": "5511988887777", "server": "s.whatsapp.net"}}}""")));
        webhook(created, """
                {"EventType": "connection", "instanceName": "loja", "owner": "5511988887777", "token": "%s",
                 "instance": {"name": "loja", "status": "connected", "profileName": "Loja Acme"}}""".formatted(token));

        var connected = await().atMost(WAIT).until(() -> admin.get(providers() + "/" + id + "/connection").json(),
                connection -> connection.get("status").asString().equals("connected"));
        assertThat(connected.get("phone_number").asString()).isEqualTo("+5511988887777");
        assertThat(connected.get("profile_name").asString()).isEqualTo("Loja Acme");

        assertThat(admin.post(providers() + "/" + id + "/restart", "").status()).as("uazapi has no restart")
                .isEqualTo(422);
        uazapi.stubFor(get(urlPathEqualTo("/instance/status")).willReturn(okJson(
                "{\"instance\": {\"status\": \"disconnected\"}, \"status\": {\"connected\": false, \"loggedIn\": false}}")));
        assertThat(admin.post(providers() + "/" + id + "/logout", "").status()).isEqualTo(202);
        assertThat(admin.delete(providers() + "/" + id).status()).isEqualTo(204);
        uazapi.verify(postRequestedFor(urlPathEqualTo("/instance/disconnect")).withHeader("token", equalTo(token)));
        uazapi.verify(deleteRequestedFor(urlPathEqualTo("/instance")).withHeader("token", equalTo(token)));
    }

    @Test
    void aUazapiInstanceOfTheSameNameIsAdoptedNotCreatedAgain() {
        uazapi.stubFor(get(urlPathEqualTo("/instance/all")).willReturn(okJson("""
                [{"id": "r9", "name": "other", "token": "not-this-one"},
                 {"id": "r7", "name": "adopt-me", "token": "c0ffee00-uaz-4000-8000-000000000007"}]""")));

        var created = admin.post(providers(), Map.of("name", "Adopted", "type", "uazapi", "base_url", uazapi.baseUrl(),
                "instance_name", "adopt-me", "provision", true, "credentials", Map.of("admin_token", ADMIN_TOKEN)));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        uazapi.verify(0, postRequestedFor(urlPathEqualTo("/instance/init")));
        uazapi.verify(postRequestedFor(urlPathEqualTo("/webhook"))
                .withHeader("token", equalTo("c0ffee00-uaz-4000-8000-000000000007")));
    }

    // ------------------------------------------------------------------ who may do what

    @Test
    void onlyAdminsConnectLogOutRestartAndDeleteAndOtherAccountsSeeNothing() throws Exception {
        stubCreate("INSTANCE-TOKEN-GUARDED");
        var id = admin.post(providers(), provision("Guarded", "guarded", evolution.baseUrl())).json().get("id")
                .asString();
        var agent = http().bearer(fixtures.member(tenant.admin().token(), tenant.id(), "agent").token());
        var stranger = fixtures.tenant("Number stranger");
        var strangerAdmin = http().bearer(stranger.admin().token());
        var number = providers() + "/" + id;

        assertThat(agent.post(number + "/connect", Map.of()).status()).isEqualTo(403);
        assertThat(agent.post(number + "/logout", "").status()).isEqualTo(403);
        assertThat(agent.post(number + "/restart", "").status()).isEqualTo(403);
        assertThat(agent.delete(number).status()).isEqualTo(403);
        assertThat(agent.post(providers(), provision("Agent's", "agents", evolution.baseUrl())).status())
                .isEqualTo(403);
        assertThat(agent.get(number + "/connection").status()).as("members read the connection").isEqualTo(200);
        for (var path : List.of(number, "/api/v1/accounts/" + stranger.id() + "/providers/" + id)) {
            assertThat(strangerAdmin.get(path + "/connection").status()).isEqualTo(404);
            assertThat(strangerAdmin.post(path + "/connect", Map.of()).status()).isIn(403, 404);
            assertThat(strangerAdmin.post(path + "/logout", "").status()).isIn(403, 404);
            assertThat(strangerAdmin.delete(path).status()).isIn(403, 404);
        }
        var strangers = "/api/v1/accounts/" + stranger.id() + "/providers/" + id;
        assertThat(strangerAdmin.get(strangers + "/events").status()).isEqualTo(404);
        assertThat(strangerAdmin.post(strangers + "/connect", Map.of()).status()).isEqualTo(404);
        assertThat(strangerAdmin.post(strangers + "/restart", "").status()).isEqualTo(404);
        evolution.verify(0, getRequestedFor(urlPathMatching("/instance/connect/.*")));
        evolution.verify(0, deleteRequestedFor(urlPathMatching("/instance/.*")));
        assertThat(admin.get(number).status()).isEqualTo(200);
    }

    @Test
    void aRetryAfterTooLargeToReadIsTheUsualUnavailableProblem() {
        stubCreate("INSTANCE-TOKEN-BUSY");
        var id = admin.post(providers(), provision("Busy", "busy", evolution.baseUrl())).json().get("id").asString();
        var busy = aResponse().withStatus(503).withHeader("Retry-After", "99999999999999999999");
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/busy")).willReturn(busy));
        evolution.stubFor(get(urlPathEqualTo("/instance/connectionState/busy")).atPriority(1).willReturn(busy));

        var connect = admin.post(providers() + "/" + id + "/connect", Map.of());
        var check = admin.post(providers() + "/" + id + "/health-check", "");

        assertThat(connect.status()).as(connect.body()).isEqualTo(503);
        assertThat(connect.json().get("type").asString()).endsWith("provider-unavailable");
        assertThat(check.status()).as(check.body()).isBetween(200, 299);
        assertThat(check.json().get("status").asString()).isEqualTo("error");
    }

    @Test
    void anAdminMadeAnAgentIsSentNoMoreCodes() throws Exception {
        var created = numberReadyToConnect("Demoted", "demoted");
        var events = providers() + "/" + created.json().get("id").asString() + "/events";
        var second = fixtures.member(tenant.admin().token(), tenant.id(), "admin");
        try (var demoted = ConnectionEvents.open(port, events, second.token());
                var witness = ConnectionEvents.open(port, events, tenant.admin().token())) {
            demoted.next(event -> true, WAIT);
            witness.next(event -> true, WAIT);
            var changed = admin.patch("/api/v1/accounts/" + tenant.id() + "/users/" + second.id(),
                    Map.of("role", "agent"));
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);

            endsBeforeTheNextCode(created, demoted, witness);
        }
    }

    @Test
    void aRevokedKeysStreamIsSentNoMoreCodes() throws Exception {
        var created = numberReadyToConnect("Keyed", "keyed");
        var events = providers() + "/" + created.json().get("id").asString() + "/events";
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "providers:read", "providers:write");
        try (var revoked = ConnectionEvents.open(port, events, key);
                var witness = ConnectionEvents.open(port, events, tenant.admin().token())) {
            revoked.next(event -> true, WAIT);
            witness.next(event -> true, WAIT);
            var keyId = java.util.stream.StreamSupport.stream(
                            admin.get("/api/v1/accounts/" + tenant.id() + "/api-keys").json().get("items").spliterator(),
                            false)
                    .filter(listed -> key.startsWith(listed.get("prefix").asString()))
                    .findFirst().orElseThrow().get("id").asString();
            assertThat(admin.delete("/api/v1/accounts/" + tenant.id() + "/api-keys/" + keyId).status())
                    .isEqualTo(204);

            endsBeforeTheNextCode(created, revoked, witness);
        }
    }

    /** A provisioned Evolution number whose connect answers with a QR code. */
    private TestHttp.Response numberReadyToConnect(String name, String instance) {
        stubCreate("INSTANCE-TOKEN-" + instance.toUpperCase());
        evolution.stubFor(get(urlPathEqualTo("/instance/connect/" + instance)).willReturn(okJson(
                "{\"pairingCode\": null, \"code\": \"2@" + instance + "\", \"count\": 1}")));
        var created = admin.post(providers(), provision(name, instance, evolution.baseUrl()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    /**
     * Connects the number and waits until the still-allowed stream has its QR code, so the change was handed to the
     * number's open streams; then the revoked stream must end, not having sent it.
     */
    private void endsBeforeTheNextCode(TestHttp.Response created, ConnectionEvents revoked, ConnectionEvents witness)
            throws Exception {
        var connect = admin.post(providers() + "/" + created.json().get("id").asString() + "/connect", Map.of());
        assertThat(connect.status()).as(connect.body()).isEqualTo(200);
        assertThat(witness.next(event -> !event.path("qr_code").isNull(), WAIT).get("status").asString())
                .isEqualTo("connecting");

        var sent = revoked.untilEnded(WAIT);

        assertThat(sent).noneMatch(event -> !event.path("qr_code").isNull());
    }

    @Test
    void badInputIsAProblemNotAnError() {
        stubCreate("INSTANCE-TOKEN-INPUT");
        var id = admin.post(providers(), provision("Input", "input", evolution.baseUrl())).json().get("id").asString();
        var cloud = admin.post(providers(), Map.of("name", "Meta", "type", "cloud_api", "provision", true,
                "credentials", Map.of("access_token", "t")));
        var noKey = admin.post(providers(), Map.of("name", "No key", "type", "uazapi", "base_url", uazapi.baseUrl(),
                "provision", true, "credentials", Map.of("token", "instance-token")));
        var badPhone = admin.post(providers() + "/" + id + "/connect", Map.of("phone_number", "call me"));

        assertThat(cloud.status()).isEqualTo(422);
        assertThat(ProvidersTests.fields(cloud.json())).containsExactly("provision");
        assertThat(noKey.status()).isEqualTo(422);
        assertThat(ProvidersTests.fields(noKey.json())).contains("credentials.admin_token");
        assertThat(badPhone.status()).isEqualTo(422);
        assertThat(ProvidersTests.fields(badPhone.json())).containsExactly("phone_number");
        uazapi.verify(0, getRequestedFor(urlPathEqualTo("/instance/all")));
    }

    // ------------------------------------------------------------------ helpers

    private String providers() {
        return "/api/v1/accounts/" + tenant.id() + "/providers";
    }

    private static Map<String, Object> provision(String name, String instance, String baseUrl) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", "evolution");
        body.put("base_url", baseUrl);
        body.put("instance_name", instance);
        body.put("provision", true);
        body.put("credentials", Map.of("api_key", GLOBAL_KEY));
        return body;
    }

    private static void stubCreate(String token) {
        evolution.stubFor(post(urlPathEqualTo("/instance/create")).willReturn(okJson(createdAnswer("x", token))
                .withStatus(201)));
    }

    /** As Evolution 2.3's instance controller answers a create. */
    private static String createdAnswer(String instance, String token) {
        return """
                {"instance": {"instanceName": "%s", "instanceId": "af6c5b7c-ee27-4f94-9ea8-192393746ddd",
                  "integration": "WHATSAPP-BAILEYS", "webhookWaBusiness": null, "accessTokenWaBusiness": "",
                  "status": "close"},
                 "hash": "%s", "webhook": {}, "settings": {}, "qrcode": {"count": 0}}""".formatted(instance, token);
    }

    private static void connectionStateIs(String state) {
        evolution.stubFor(get(urlPathMatching("/instance/connectionState/.+")).willReturn(okJson(
                "{\"instance\": {\"state\": \"" + state + "\"}}")));
    }

    private static String evolutionEvent(String event, String instance, JsonNode data) {
        var root = JSON.createObjectNode().put("event", event).put("instance", instance);
        root.set("data", data);
        root.put("destination", PUBLIC_URL).put("date_time", "2026-12-03T13:38:17.123Z")
                .put("server_url", "https://evolution.example.com").putNull("apikey");
        return JSON.writeValueAsString(root);
    }

    /** Delivers a provider webhook to the URL the hub gave for the number. */
    private void webhook(TestHttp.Response created, String body) {
        var path = URI.create(created.json().get("webhook_url").asString()).getRawPath();
        var answer = http().send(http().request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(answer.status()).as(answer.body()).isBetween(200, 299);
    }

    /** Reads the QR code in a PNG data URL back, as a phone's camera would. */
    private static String decodeQr(String dataUrl) throws Exception {
        var image = ImageIO.read(new ByteArrayInputStream(png(dataUrl)));
        var pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        var bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
                new com.google.zxing.RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        return new com.google.zxing.qrcode.QRCodeReader().decode(bitmap).getText();
    }

    private static byte[] png(String dataUrl) {
        assertThat(dataUrl).startsWith("data:image/png;base64,");
        return Base64.getDecoder().decode(dataUrl.substring("data:image/png;base64,".length()));
    }

    private static Set<String> texts(JsonNode array) {
        var values = new java.util.LinkedHashSet<String>();
        array.forEach(item -> values.add(item.asString()));
        return values;
    }
}
