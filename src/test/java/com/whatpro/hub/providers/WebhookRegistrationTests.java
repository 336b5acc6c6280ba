package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.providers.adapters.PostmanCollection;
import com.whatpro.hub.providers.adapters.SpecValidator;
import com.whatpro.hub.providers.adapters.WebhookSetContracts;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * With {@code WHATPRO_PUBLIC_URL} set, the hub registers each provider's secret webhook URL at the provider by
 * itself: after the create commits, again when what the registration depends on changes, and on request. Every
 * request the fake providers receive is checked against the providers' published contracts.
 */
@TestPropertySource(properties = {
        "whatpro.public-url=" + WebhookRegistrationTests.PUBLIC_URL,
        // this context only registers webhooks: no gateway work, no scheduled probes of its own
        "whatpro.gateway.worker.enabled=false",
        "whatpro.providers.health-check-poll=1h"})
class WebhookRegistrationTests extends IntegrationTest {

    static final String PUBLIC_URL = "https://hub.example.test";
    private static final String WEBHOOK_URL = PUBLIC_URL + "/api/v1/webhooks/providers/[0-9a-f-]{36}/[A-Za-z0-9_-]{43}";
    private static final List<String> EVOLUTION_EVENTS = List.of("MESSAGES_UPSERT", "MESSAGES_UPDATE",
            "CONNECTION_UPDATE", "QRCODE_UPDATED", "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT",
            "CONTACTS_UPDATE");
    private static final List<String> UAZAPI_EVENTS = List.of("messages", "messages_update", "connection", "chats",
            "contacts");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final SpecValidator UAZAPI = SpecValidator.uazapi();
    private static final SpecValidator CLOUD_API = SpecValidator.cloudApi();

    @RegisterExtension
    static WireMockExtension fake = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Autowired
    ProviderHealth health;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level hubLevel;
    private Fixtures fixtures;
    private Fixtures.Tenant tenant;
    private TestHttp admin;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Webhooks");
        admin = http().bearer(tenant.admin().token());
        fake.stubFor(post(urlPathMatching("/webhook/set/.+")).willReturn(okJson("""
                {"webhook": {"instanceName": "sales", "webhook": {"enabled": true, "events": ["MESSAGES_UPSERT"]}}}""")
                .withStatus(201)));
        fake.stubFor(post(urlPathEqualTo("/webhook")).willReturn(okJson("""
                [{"id": "123e4567-e89b-12d3-a456-426614174000", "enabled": true,
                  "events": ["messages", "messages_update", "connection"], "excludeMessages": ["isGroupYes"]}]""")));
        // other test contexts' scheduled health checks may probe these providers
        fake.stubFor(get(urlPathMatching("/instance/connectionState/.+")).willReturn(okJson(
                "{\"instance\": {\"state\": \"open\"}}")));
        fake.stubFor(get(urlPathEqualTo("/instance/status")).willReturn(okJson(
                "{\"instance\": {\"status\": \"connected\"}, \"status\": {\"connected\": true, \"loggedIn\": true}}")));
        var hub = (Logger) LoggerFactory.getLogger("com.whatpro");
        hubLevel = hub.getLevel();
        hub.setLevel(Level.DEBUG);
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("com.whatpro")).setLevel(hubLevel);
        for (var event : fake.getAllServeEvents()) {
            var request = event.getRequest();
            var path = URI.create(request.getUrl()).getRawPath();
            if (path.startsWith("/webhook/set/")) {
                WebhookSetContracts.assertEvolutionConforms(request, path.substring("/webhook/set/".length()));
            } else if (path.startsWith("/instance/connectionState/")) {
                COLLECTION.assertConforms(request, "Connection Status",
                        path.substring("/instance/connectionState/".length()), Set.of());
            } else if (path.matches("/v\\d+\\.\\d+/.*")) {
                CLOUD_API.assertValid(request);
            } else {
                UAZAPI.assertValid(request);
            }
        }
    }

    private String providers() {
        return "/api/v1/accounts/" + tenant.id() + "/providers";
    }

    private static Map<String, Object> evolution(String name, String instance, String baseUrl) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("type", "evolution");
        body.put("base_url", baseUrl);
        body.put("instance_name", instance);
        body.put("credentials", Map.of("api_key", "EVO-KEY-" + instance, "webhook_token", "HOOK-TOKEN-" + instance));
        return body;
    }

    private static Map<String, Object> uazapi(String name, String token, String baseUrl) {
        return Map.of("name", name, "type", "uazapi", "base_url", baseUrl, "credentials", Map.of("token", token));
    }

    @Test
    void registersAnEvolutionProvidersSecretUrlAndTheEventsTheHubReadsRightAfterTheCreate() {
        var created = admin.post(providers(), evolution("Sales", "sales", fake.baseUrl()));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var webhookUrl = created.json().get("webhook_url").asString();
        assertThat(webhookUrl).matches(WEBHOOK_URL);
        assertThat(created.json().get("webhook_registration").get("status").asString()).isIn("pending", "registered");
        var registration = settled(created.json().get("id").asString());
        assertThat(registration.get("status").asString()).isEqualTo("registered");
        assertThat(registration.get("detail").asString())
                .isEqualTo("events: " + String.join(", ", EVOLUTION_EVENTS));
        var set = onlyRequestTo("/webhook/set/sales");
        assertThat(set.getHeader("apikey")).isEqualTo("EVO-KEY-sales");
        var webhook = JSON.readTree(set.getBodyAsString()).get("webhook");
        assertThat(webhook.get("url").asString()).isEqualTo(webhookUrl);
        assertThat(webhook.get("enabled").asBoolean()).isTrue();
        assertThat(webhook.get("byEvents").asBoolean()).isFalse();
        assertThat(webhook.get("base64").asBoolean()).isFalse();
        assertThat(webhook.get("events")).extracting(JsonNode::asString).containsExactlyElementsOf(EVOLUTION_EVENTS);
        assertThat(webhook.get("headers").get("x-webhook-token").asString()).isEqualTo("HOOK-TOKEN-sales");
    }

    @Test
    void registersAUazapiProvidersSecretUrlWithoutFilteringTheHubsOwnSends() {
        var created = admin.post(providers(), uazapi("Support", "UAZ-TOKEN-support", fake.baseUrl()));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var registration = settled(created.json().get("id").asString());
        assertThat(registration.get("status").asString()).isEqualTo("registered");
        assertThat(registration.get("detail").asString()).isEqualTo("events: " + String.join(", ", UAZAPI_EVENTS));
        var set = onlyRequestTo("/webhook");
        assertThat(set.getHeader("token")).isEqualTo("UAZ-TOKEN-support");
        assertThat(JSON.readTree(set.getBodyAsString())).isEqualTo(JSON.readTree("""
                {"enabled": true, "url": "%s", "events": %s, "excludeMessages": ["isGroupYes"]}"""
                .formatted(created.json().get("webhook_url").asString(), JSON.writeValueAsString(UAZAPI_EVENTS))));
    }

    @Test
    void aProviderThatIsDownNeitherFailsNorSlowsTheCreateAndTheRegistrationSaysWhy() {
        fake.stubFor(post(urlPathEqualTo("/webhook/set/slow")).willReturn(okJson("{}").withStatus(201)
                .withFixedDelay(4_000)));

        var down = admin.post(providers(), evolution("Down", "down", "http://127.0.0.1:1"));
        long started = System.nanoTime();
        var slow = admin.post(providers(), evolution("Slow", "slow", fake.baseUrl()));
        var slowCreate = Duration.ofNanos(System.nanoTime() - started);

        assertThat(down.status()).as(down.body()).isEqualTo(201);
        assertThat(slow.status()).as(slow.body()).isEqualTo(201);
        assertThat(slowCreate).isLessThan(Duration.ofSeconds(3));
        var failed = settled(down.json().get("id").asString());
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("detail").asString()).isEqualTo("evolution is unavailable: connection refused");
        assertThat(settled(slow.json().get("id").asString()).get("status").asString()).isEqualTo("registered");
    }

    @Test
    void theScheduledHealthCheckRegistersAgainAProviderWhoseRegistrationFailed() {
        var outage = fake.stubFor(post(urlPathEqualTo("/webhook/set/flaky")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        var created = admin.post(providers(), evolution("Flaky", "flaky", fake.baseUrl()));
        var id = created.json().get("id").asString();
        assertThat(settled(id).get("status").asString()).isEqualTo("failed");

        checkNow(id);
        checkNow(id);
        assertThat(settled(id).get("status").asString()).isEqualTo("failed");
        fake.removeStub(outage);
        checkNow(id);

        assertThat(settled(id).get("status").asString()).isEqualTo("registered");
        assertThat(auditedStatuses(id)).as("a failure repeated by retries is audited once")
                .containsExactly("failed", "registered");
    }

    @Test
    void theScheduledHealthCheckRegistersAgainOnlyWhenTheServerAnsweredItsProbe() {
        var outage = fake.stubFor(post(urlPathEqualTo("/webhook/set/away")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        var created = admin.post(providers(), evolution("Away", "away", fake.baseUrl()));
        var id = created.json().get("id").asString();
        assertThat(settled(id).get("status").asString()).isEqualTo("failed");
        fake.removeStub(outage);
        var down = fake.stubFor(get(urlPathEqualTo("/instance/connectionState/away")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        var attempts = registrationAttempts("away");

        checkNow(id);
        assertThat(admin.get(providers() + "/" + id).json().get("status").asString()).as("the round probed it")
                .isEqualTo("error");
        assertThat(registrationAttempts("away")).as("and left its registration for a round the server answers")
                .isEqualTo(attempts);

        fake.removeStub(down);
        checkNow(id);
        assertThat(settled(id).get("status").asString()).isEqualTo("registered");
        assertThat(registrationAttempts("away")).isEqualTo(attempts + 1);
    }

    private static int registrationAttempts(String instance) {
        return fake.findAll(postRequestedFor(urlPathEqualTo("/webhook/set/" + instance))).size();
    }

    @Test
    void aRefusalIsRecordedInTheProvidersWordsWithoutTheSecretUrlTheyQuote() {
        fake.stubFor(post(urlPathEqualTo("/webhook/set/picky")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\": 400, \"error\": \"Bad Request\", \"response\": {\"message\": "
                        + "[\"{{jsonPath request.body '$.webhook.url'}} is not reachable\"]}}")
                .withTransformers("response-template")));

        var created = admin.post(providers(), evolution("Picky", "picky", fake.baseUrl()));
        var registration = settled(created.json().get("id").asString());

        assertThat(registration.get("status").asString()).isEqualTo("failed");
        assertThat(registration.get("detail").asString()).isEqualTo(
                "evolution rejected the request (HTTP 400, code Bad Request): (the webhook URL) is not reachable");
    }

    @Test
    void registersAgainWhenWhereOrWhoTheProviderIsOrItsUrlChangesButNotForARename() throws Exception {
        var created = admin.post(providers(), evolution("Moving", "before", fake.baseUrl())).json();
        var id = created.get("id").asString();
        var first = settled(id);

        var renamed = admin.patch(providers() + "/" + id, Map.of("name", "Moved"));
        assertThat(renamed.json().get("webhook_registration")).as("a rename registers nothing").isEqualTo(first);

        var moved = admin.patch(providers() + "/" + id, Map.of("instance_name", "after"));
        assertThat(moved.json().get("webhook_registration").get("status").asString()).isIn("pending", "registered");
        settled(id);
        assertThat(JSON.readTree(onlyRequestTo("/webhook/set/after").getBodyAsString()).get("webhook").get("url")
                .asString()).isEqualTo(created.get("webhook_url").asString());

        var beforeRotation = settled(id);
        var rotated = admin.patch(providers() + "/" + id, Map.of("rotate_webhook_secret", true)).json();
        var newUrl = rotated.get("webhook_url").asString();
        assertThat(newUrl).isNotEqualTo(created.get("webhook_url").asString());
        await(id, registration -> registration.get("status").asString().equals("registered")
                && !registration.get("at").equals(beforeRotation.get("at")));
        assertThat(requestsTo("/webhook/set/after")).hasSize(2);
        assertThat(JSON.readTree(requestsTo("/webhook/set/after").getLast().getBodyAsString()).get("webhook")
                .get("url").asString()).isEqualTo(newUrl);
        assertThat(requestsTo("/webhook/set/before")).hasSize(1);
        var publications = "select count(*) from event_publication where listener_id like "
                + "'%AutomaticWebhookRegistration%' and serialized_event like '%" + id + "%'";
        assertThat(ProvidersTests.column(publications)).as("the registry keeps track of each registration")
                .isNotEqualTo("0");
        var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ProvidersTests.column(publications + " and completion_date is null").equals("0")) {
            assertThat(System.nanoTime()).as("every registration completes, none is left to republish")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void registersAgainOnRequestForAdminsAndKeysThatMayChangeProviders() {
        var id = admin.post(providers(), uazapi("Again", "UAZ-TOKEN-again", fake.baseUrl())).json().get("id").asString();
        settled(id);
        var route = providers() + "/" + id + "/webhook-registration";
        var writer = fixtures.apiKey(tenant.admin().token(), tenant.id(), "providers:write");

        var byAdmin = admin.post(route, "");
        var byKey = http().bearer(writer).post(route, "");

        assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(200);
        assertThat(byAdmin.json().get("status").asString()).isEqualTo("registered");
        assertThat(byAdmin.json().get("detail").asString()).isEqualTo("events: " + String.join(", ", UAZAPI_EVENTS));
        assertThat(byAdmin.json().get("at").isNull()).isFalse();
        assertThat(byAdmin.json().get("callback_url").isNull()).isTrue();
        assertThat(byKey.status()).as(byKey.body()).isEqualTo(200);
        assertThat(requestsTo("/webhook")).hasSize(3);
        assertThat(admin.get(providers() + "/" + id).json().get("webhook_registration").get("at").asString())
                .isEqualTo(byKey.json().get("at").asString());
    }

    @Test
    void theRouteAnswersAFailedRegistrationAsHealthCheckAnswersAnError() {
        var id = admin.post(providers(), evolution("Gone", "gone", "http://127.0.0.1:1")).json().get("id").asString();
        settled(id);

        var answer = admin.post(providers() + "/" + id + "/webhook-registration", "");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").asString()).isEqualTo("failed");
        assertThat(answer.json().get("detail").asString()).contains("connection refused");
    }

    @Test
    void onlyThoseWhoMayChangeTheProviderRegisterAndOnlyInTheirOwnAccount() {
        var id = admin.post(providers(), uazapi("Guarded", "UAZ-TOKEN-guarded", fake.baseUrl())).json()
                .get("id").asString();
        settled(id);
        var route = providers() + "/" + id + "/webhook-registration";
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var reader = fixtures.apiKey(tenant.admin().token(), tenant.id(), "providers:read");
        var stranger = fixtures.tenant("Stranger");
        var strangers = "/api/v1/accounts/" + stranger.id() + "/providers/" + id + "/webhook-registration";

        assertThat(http().bearer(agent.token()).post(route, "").status()).isEqualTo(403);
        assertThat(http().bearer(reader).post(route, "").status()).isEqualTo(403);
        assertThat(http().bearer(stranger.admin().token()).post(strangers, "").status()).isEqualTo(404);
        assertThat(http().bearer(stranger.admin().token()).post(route, "").status()).isIn(403, 404);
        assertThat(admin.post(providers() + "/0190b3c4-0000-7000-8000-000000000001/webhook-registration", "")
                .status()).isEqualTo(404);
        assertThat(requestsTo("/webhook")).hasSize(1);
    }

    @Test
    void cloudApiIsLeftToTheMetaAppWithTheCallbackUrlAndVerifyTokenToUse() {
        var created = admin.post(providers(), Map.of("name", "Meta", "type", "cloud_api", "base_url", fake.baseUrl(),
                "credentials", Map.of("access_token", "META-ACCESS", "app_secret", "META-APP-SECRET",
                        "verify_token", "META-VERIFY", "phone_number_id", "1234567890"))).json();
        var id = created.get("id").asString();
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");

        var registration = settled(id);
        var again = admin.post(providers() + "/" + id + "/webhook-registration", "").json();

        assertThat(registration.get("status").asString()).isEqualTo("manual");
        assertThat(registration.get("detail").asString()).contains("App Dashboard", "callback URL", "webhook_url",
                "verify_token", "messages");
        assertThat(registration.get("callback_url").asString()).isEqualTo(created.get("webhook_url").asString());
        assertThat(again.get("status").asString()).isEqualTo("manual");
        assertThat(again.get("callback_url").asString()).isEqualTo(created.get("webhook_url").asString());
        var agentView = http().bearer(agent.token()).get(providers() + "/" + id).json();
        assertThat(agentView.get("webhook_registration").get("status").asString()).isEqualTo("manual");
        assertThat(agentView.get("webhook_registration").get("callback_url").isNull()).isTrue();
        assertThat(fake.getAllServeEvents()).extracting(event -> event.getRequest().getMethod().getName())
                .doesNotContain("POST");
        assertThat(admin.get(providers()).body() + again).doesNotContain("META-VERIFY", "META-ACCESS", "META-APP");
    }

    @Test
    void registrationsAreAuditedAndNoSecretReachesTheLogsTheAuditOrTheAnswersBeyondTheWebhookUrl() {
        var created = admin.post(providers(), evolution("Audited", "audited", fake.baseUrl())).json();
        var id = created.get("id").asString();
        var secret = created.get("webhook_url").asString().substring(created.get("webhook_url").asString()
                .lastIndexOf('/') + 1);
        settled(id);
        var failing = admin.post(providers(), evolution("Failing", "failing", "http://127.0.0.1:1")).json();
        settled(failing.get("id").asString());
        var again = admin.post(providers() + "/" + id + "/webhook-registration", "");
        var one = admin.get(providers() + "/" + id).json();
        var list = admin.get(providers()).json();

        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider&resource_id="
                + id + "&action=provider.webhook_registration");

        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        var entries = audit.json().get("items");
        assertThat(entries).hasSize(2);
        assertThat(entries).extracting(entry -> entry.get("actor").get("type").asString())
                .containsExactlyInAnyOrder("system", "user");
        assertThat(entries.get(0).get("changes")).isEqualTo(JSON.valueToTree(Map.of("status", "registered",
                "detail", "events: " + String.join(", ", EVOLUTION_EVENTS), "events", EVOLUTION_EVENTS)));
        var secrets = List.of(secret, "EVO-KEY-audited", "HOOK-TOKEN-audited", "EVO-KEY-failing",
                "HOOK-TOKEN-failing");
        var auditAll = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider").body();
        assertThat(auditAll).contains("provider.webhook_registration", "connection refused");
        assertThat(again.body()).contains("registered");
        for (var text : List.of(auditAll, again.body(), withoutWebhookUrls(one), withoutWebhookUrls(list))) {
            assertThat(text).doesNotContain(secrets.toArray(String[]::new));
        }
        List<ILoggingEvent> appended;
        synchronized (logs) { // the appender adds under its own lock while workers still log
            appended = List.copyOf(logs.list);
        }
        var logged = appended.stream().map(event -> event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .toList();
        assertThat(logged).as("the registration calls were logged").anyMatch(line -> line.contains("/webhook/set/audited"));
        assertThat(String.join("\n", logged)).doesNotContain(secrets.toArray(String[]::new));
    }

    @Test
    void theOpenApiDocumentHasTheRoute() {
        var paths = http().get("/v3/api-docs").json().get("paths");

        assertThat(paths.get("/api/v1/accounts/{accountId}/providers/{providerId}/webhook-registration")
                .has("post")).isTrue();
    }

    /** The registration once it is no longer pending. */
    /** Makes the provider's scheduled health check due and runs the schedule's round. */
    private void checkNow(String id) {
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var due = connection.prepareStatement("update providers set next_check_at = now() where id = ?")) {
            due.setObject(1, UUID.fromString(id));
            assertThat(due.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        health.checkDue();
    }

    /** The statuses of the provider's audited registrations, oldest first. */
    private List<String> auditedStatuses(String id) {
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?resource_type=provider&resource_id="
                + id + "&action=provider.webhook_registration");
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        return audit.json().get("items").valueStream().map(entry -> entry.get("changes").get("status").asString())
                .toList().reversed();
    }

    private JsonNode settled(String id) {
        return await(id, registration -> !registration.get("status").asString().equals("pending"));
    }

    private JsonNode await(String id, Predicate<JsonNode> done) {
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            var registration = admin.get(providers() + "/" + id).json().get("webhook_registration");
            if (registration != null && !registration.isNull() && done.test(registration)) {
                return registration;
            }
            assertThat(System.nanoTime()).as("registration of %s: %s", id, registration).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static List<LoggedRequest> requestsTo(String path) {
        return fake.getAllServeEvents().stream().map(event -> event.getRequest())
                .filter(request -> request.getMethod().getName().equals("POST")
                        && URI.create(request.getUrl()).getRawPath().equals(path))
                .toList().reversed();
    }

    private static LoggedRequest onlyRequestTo(String path) {
        var requests = requestsTo(path);
        assertThat(requests).as("POST %s", path).hasSize(1);
        return requests.getFirst();
    }

    private static String withoutWebhookUrls(JsonNode view) {
        var copy = view.deepCopy();
        var views = copy.has("items") ? copy.get("items") : JSON.createArrayNode().add(copy);
        views.forEach(provider -> ((ObjectNode) provider).remove("webhook_url"));
        return copy.toString();
    }
}
