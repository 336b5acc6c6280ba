package com.whatpro.hub.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.StandardWebhooksVerifier;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.kanban.CardChanged;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.KeyMaterial;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialCipher;
import com.whatpro.hub.platform.crypto.KeyRing;
import com.whatpro.hub.platform.crypto.SealedColumns;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Outgoing webhooks as a tenant's admin and a receiver (WireMock on loopback) see them. Retries are quick here; the
 * outbound policy allows only 127.0.0.1, where the receiver listens, so other loopback and private addresses are
 * refused as they would be in production.
 */
class WebhooksTests extends IntegrationTest {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @DynamicPropertySource
    static void quickRetries(DynamicPropertyRegistry registry) {
        registry.add("whatpro.test.outbound-allowed", () -> "127.0.0.1");
        registry.add("whatpro.webhooks.backoff-base", () -> "100ms");
        registry.add("whatpro.webhooks.backoff-cap", () -> "300ms");
        registry.add("whatpro.webhooks.retry-window", () -> "3s");
        registry.add("whatpro.webhooks.disable-after", () -> "5s");
        registry.add("whatpro.webhooks.poll-interval", () -> "50ms");
        registry.add("whatpro.webhooks.timeout", () -> "2s");
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Autowired
    com.whatpro.hub.providers.Providers providers;
    @Autowired
    DeliveryWorker worker;
    @Autowired
    SealedColumns rotation;
    @Autowired
    Subscriptions subscriptions;
    @Autowired
    KeyMaterial keys;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    Deliveries deliveryQueue;

    Fixtures fixtures;
    Fixtures.Tenant tenant;
    TestHttp admin;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(http());
        tenant = fixtures.tenant("Webhooks");
        admin = http().bearer(tenant.admin().token());
    }

    String webhooks() {
        return "/api/v1/accounts/" + tenant.id() + "/webhooks";
    }

    String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getPort() + path;
    }

    JsonNode subscribe(String path, List<String> events) {
        var response = admin.post(webhooks(), Map.of("url", receiverUrl(path), "events", events,
                "description", "n8n"));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    /** A board with stages A and B. */
    JsonNode board() {
        var response = admin.post("/api/v1/accounts/" + tenant.id() + "/boards", Map.of("name", "Sales " + UUID.randomUUID(),
                "stages", List.of(Map.of("name", "A"), Map.of("name", "B"))));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    static String stage(JsonNode board, String name) {
        for (var stage : board.get("stages")) {
            if (stage.get("name").asString().equals(name)) {
                return stage.get("id").asString();
            }
        }
        throw new AssertionError("no stage " + name);
    }

    JsonNode card(JsonNode board, String title) {
        var response = admin.post("/api/v1/accounts/" + tenant.id() + "/boards/" + board.get("id").asString()
                + "/cards", Map.of("stage_id", stage(board, "A"), "title", title));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    List<LoggedRequest> received(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path)));
    }

    List<LoggedRequest> awaitReceived(String path, int count) {
        await().atMost(PATIENCE).until(() -> received(path).size() >= count);
        return received(path);
    }

    /** Waits until none of the account's deliveries is due or being sent: what the test caused has been worked. */
    void settled() {
        await().atMost(PATIENCE).until(() -> TestInfrastructure.owner().value("""
                select count(*) from webhook_deliveries where account_id = %d and status = 'pending'
                  and (claim_token is not null or next_attempt_at <= now())""".formatted(tenant.id())).equals("0"));
    }

    JsonNode deliveries(String webhookId) {
        var response = admin.get(webhooks() + "/" + webhookId + "/deliveries");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("items");
    }

    JsonNode awaitDelivery(String webhookId, String status) {
        return await().atMost(PATIENCE).until(() -> deliveries(webhookId),
                items -> !items.isEmpty() && items.get(0).get("status").asString().equals(status)).get(0);
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheSameSignedDeliveryThreeTimes() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).inScenario(path).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("failed once"));
        receiver.stubFor(post(path).inScenario(path).whenScenarioStateIs("failed once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed twice"));
        receiver.stubFor(post(path).inScenario(path).whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(204)));
        var webhook = subscribe(path, List.of("card.created"));
        var secret = webhook.get("secret").asString();

        var card = card(board(), "Order 42");

        var requests = awaitReceived(path, 3);
        assertThat(requests).hasSize(3);
        var verifier = new StandardWebhooksVerifier(secret);
        var ids = new ArrayList<String>();
        for (var request : requests) {
            ids.add(request.getHeader("webhook-id"));
            verifier.verify(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                    request.getHeader("webhook-signature"), request.getBodyAsString());
            assertThat(request.getHeader("Content-Type")).startsWith("application/json");
            var body = JSON.readTree(request.getBodyAsString());
            assertThat(body.get("type").asString()).isEqualTo("card.created");
            assertThat(body.get("data").get("card_id").asString()).isEqualTo(card.get("id").asString());
            assertThat(Instant.parse(body.get("timestamp").asString())).isBefore(Instant.now().plusSeconds(1));
        }
        assertThat(ids).containsOnly(ids.getFirst());

        var delivery = awaitDelivery(webhook.get("id").asString(), "delivered");
        assertThat(delivery.get("id").asString()).isEqualTo(ids.getFirst());
        assertThat(delivery.get("event").asString()).isEqualTo("card.created");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("last_status").asInt()).isEqualTo(204);
        assertThat(delivery.get("delivered_at").isNull()).isFalse();
        assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRejectedByTheVerifier() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        subscribe(path, List.of("card.created"));
        var other = subscribe("/hooks/other-" + UUID.randomUUID(), List.of("card.updated")).get("secret").asString();

        card(board(), "Order 43");

        var request = awaitReceived(path, 1).getFirst();
        var forged = new StandardWebhooksVerifier(other);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> forged.verify(request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
                request.getBodyAsString())).isInstanceOf(AssertionError.class);
    }

    @Test
    void aCardMoveIsDeliveredAsCardMovedWithTheDocumentedBody() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        var webhook = subscribe(path, List.of("card.moved"));
        var board = board();
        var card = card(board, "Order 44");

        var moved = admin.post("/api/v1/accounts/" + tenant.id() + "/cards/" + card.get("id").asString() + "/move",
                Map.of("stage_id", stage(board, "B")));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        var request = awaitReceived(path, 1).getFirst();
        new StandardWebhooksVerifier(webhook.get("secret").asString()).verify(request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"), request.getHeader("webhook-signature"),
                request.getBodyAsString());
        var body = JSON.readTree(request.getBodyAsString());
        assertThat(body.propertyNames()).containsExactly("type", "timestamp", "data");
        assertThat(body.get("type").asString()).isEqualTo("card.moved");
        var data = body.get("data");
        assertThat(data.get("account_id").asLong()).isEqualTo(tenant.id());
        assertThat(data.get("board_id").asString()).isEqualTo(board.get("id").asString());
        assertThat(data.get("card_id").asString()).isEqualTo(card.get("id").asString());
        assertThat(data.get("from_stage_id").asString()).isEqualTo(stage(board, "A"));
        assertThat(data.get("to_stage_id").asString()).isEqualTo(stage(board, "B"));
        assertThat(data.get("actor_id").asString()).isEqualTo(tenant.admin().id().toString());
        // subscribed to card.moved only: the card's creation was not sent
        assertThat(received(path)).hasSize(1);
        assertThat(deliveries(webhook.get("id").asString())).hasSize(1);
    }

    @Test
    void theSecretIsShownOnceAndStoredEncrypted() throws Exception {
        var webhook = subscribe("/hooks/" + UUID.randomUUID(), List.of("card.created", "card.moved"));
        var secret = webhook.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);

        var one = admin.get(webhooks() + "/" + webhook.get("id").asString());
        var list = admin.get(webhooks());
        var patched = admin.patch(webhooks() + "/" + webhook.get("id").asString(), Map.of("description", "Zapier"));
        for (var response : List.of(one, list, patched)) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).doesNotContain(secret.substring(6)).doesNotContain("whsec_")
                    .doesNotContain("\"secret\"");
        }
        assertThat(one.json().get("events").toString()).contains("card.created", "card.moved");
        assertThat(patched.json().get("description").asString()).isEqualTo("Zapier");

        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("select secret from webhook_subscriptions where id = ?")) {
            statement.setObject(1, UUID.fromString(webhook.get("id").asString()));
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).startsWith("v1:").doesNotContain(secret.substring(6));
            }
        }
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?action=webhook.created");
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).contains(webhook.get("id").asString()).doesNotContain(secret.substring(6));
    }

    @Test
    void anotherTenantsWebhookIsNotFound() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        var theirs = subscribe(path, List.of("card.created"));
        card(board(), "Theirs");
        var delivery = awaitDelivery(theirs.get("id").asString(), "delivered");

        var intruder = fixtures.tenant("Intruder");
        var as = http().bearer(intruder.admin().token());
        var mine = "/api/v1/accounts/" + intruder.id() + "/webhooks/" + theirs.get("id").asString();
        assertThat(as.get(mine).status()).isEqualTo(404);
        assertThat(as.patch(mine, Map.of("enabled", false)).status()).isEqualTo(404);
        assertThat(as.get(mine + "/deliveries").status()).isEqualTo(404);
        assertThat(as.post(mine + "/deliveries/" + delivery.get("id").asString() + "/redeliver", Map.of()).status())
                .isEqualTo(404);
        assertThat(as.delete(mine).status()).isEqualTo(404);
        assertThat(as.get("/api/v1/accounts/" + intruder.id() + "/webhooks").json().get("items")).isEmpty();
        // and through the victim's path, the intruder is no member
        assertThat(as.get(webhooks() + "/" + theirs.get("id").asString()).status()).isIn(403, 404);
        assertThat(admin.get(webhooks() + "/" + theirs.get("id").asString()).status()).isEqualTo(200);
    }

    @Test
    void agentsAndSupervisorsCannotManageWebhooks() {
        var webhook = subscribe("/hooks/" + UUID.randomUUID(), List.of("card.created"));
        for (var role : List.of("agent", "supervisor")) {
            var member = http().bearer(fixtures.member(tenant.admin().token(), tenant.id(), role).token());
            assertThat(member.get(webhooks()).status()).isEqualTo(403);
            assertThat(member.post(webhooks(), Map.of("url", receiverUrl("/x"), "events", List.of("card.created")))
                    .status()).isEqualTo(403);
            assertThat(member.get(webhooks() + "/" + webhook.get("id").asString()).status()).isEqualTo(403);
            assertThat(member.delete(webhooks() + "/" + webhook.get("id").asString()).status()).isEqualTo(403);
        }
        assertThat(admin.get(webhooks() + "/" + webhook.get("id").asString()).status()).isEqualTo(200);
    }

    @Test
    void loopbackAndPrivateReceiversAreRefusedByTheOutboundPolicy() {
        for (var url : List.of("http://127.0.0.2:" + receiver.getPort() + "/hook", "http://[::1]/hook",
                "http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://192.168.1.10/hook",
                "http://2130706433/hook", "ftp://example.com/hook")) {
            var response = admin.post(webhooks(), Map.of("url", url, "events", List.of("card.created")));
            assertThat(response.status()).as(url + ": " + response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
        }
        var allowed = subscribe("/hooks/" + UUID.randomUUID(), List.of("card.created"));
        var changed = admin.patch(webhooks() + "/" + allowed.get("id").asString(),
                Map.of("url", "http://10.1.2.3/hook"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(422);
        assertThat(admin.get(webhooks()).json().get("items")).hasSize(1);
    }

    @Test
    void badSubscriptionsAreProblemsNamingTheField() {
        var unknown = admin.post(webhooks(), Map.of("url", receiverUrl("/x"), "events", List.of("card.exploded")));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("events");
        var none = admin.post(webhooks(), Map.of("url", receiverUrl("/x"), "events", List.of()));
        assertThat(none.status()).isIn(400, 422);
        var relative = admin.post(webhooks(), Map.of("url", "/just/a/path", "events", List.of("card.created")));
        assertThat(relative.status()).isEqualTo(422);
        assertThat(relative.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
    }

    @Test
    void aDeliveryCanBeRedeliveredWithTheSameWebhookId() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        var webhook = subscribe(path, List.of("card.created"));
        card(board(), "Order 45");
        var delivery = awaitDelivery(webhook.get("id").asString(), "delivered");

        var again = admin.post(webhooks() + "/" + webhook.get("id").asString() + "/deliveries/"
                + delivery.get("id").asString() + "/redeliver", Map.of());
        assertThat(again.status()).as(again.body()).isEqualTo(202);

        var requests = awaitReceived(path, 2);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getHeader("webhook-id")).isEqualTo(delivery.get("id").asString());
        assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString());
        new StandardWebhooksVerifier(webhook.get("secret").asString()).verify(requests.get(1).getHeader("webhook-id"),
                requests.get(1).getHeader("webhook-timestamp"), requests.get(1).getHeader("webhook-signature"),
                requests.get(1).getBodyAsString());
        await().atMost(PATIENCE).until(() -> deliveries(webhook.get("id").asString()).get(0),
                d -> d.get("status").asString().equals("delivered") && d.get("attempts").asInt() == 2);
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?action=webhook.redelivered");
        assertThat(audit.json().get("items")).hasSize(1);
    }

    @Test
    void aReceiverFailingForTooLongIsGivenUpOnThenItsWebhookDisabledWithAnAuditEntry() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(500)));
        var webhook = subscribe(path, List.of("card.created", "card.updated"));
        var id = webhook.get("id").asString();
        var card = card(board(), "Order 46");

        // retried until the retry window (3 s here, 24 h by default) is over, then failed
        var failed = awaitDelivery(id, "failed");
        assertThat(failed.get("attempts").asInt()).isGreaterThan(2);
        assertThat(failed.get("last_status").asInt()).isEqualTo(500);
        assertThat(received(path)).hasSize(failed.get("attempts").asInt());
        var failing = admin.get(webhooks() + "/" + id).json();
        assertThat(failing.get("enabled").asBoolean()).isTrue();
        var since = Instant.parse(failing.get("failing_since").asString());

        // still failing once the disable-after period (5 s here, 3 days by default) is over: disabled
        await().atMost(PATIENCE).until(() -> Instant.now().isAfter(since.plusSeconds(5)));
        var patched = admin.patch("/api/v1/accounts/" + tenant.id() + "/cards/" + card.get("id").asString(),
                Map.of("title", "Order 46b"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> !admin.get(webhooks() + "/" + id).json().get("enabled").asBoolean());
        assertThat(admin.get(webhooks() + "/" + id).json().get("disabled_reason").asString()).contains("failed");
        var audit = admin.get("/api/v1/accounts/" + tenant.id() + "/audit-logs?action=webhook.disabled");
        assertThat(audit.json().get("items")).hasSize(1);
        var entry = audit.json().get("items").get(0);
        assertThat(entry.get("resource_id").asString()).isEqualTo(id);
        assertThat(entry.get("actor").get("type").asString()).isEqualTo("system");

        // a disabled webhook gets nothing more, until an admin enables it again
        int before = received(path).size();
        admin.patch("/api/v1/accounts/" + tenant.id() + "/cards/" + card.get("id").asString(),
                Map.of("title", "Order 46c"));
        settled();
        var enabled = admin.patch(webhooks() + "/" + id, Map.of("enabled", true));
        assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
        assertThat(enabled.json().get("failing_since").isNull()).isTrue();
        assertThat(received(path)).hasSize(before);
    }

    @Test
    void aGoneReceiverDisablesItsWebhook() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(410)));
        var webhook = subscribe(path, List.of("card.created"));
        card(board(), "Order 47");

        var delivery = awaitDelivery(webhook.get("id").asString(), "failed");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("last_status").asInt()).isEqualTo(410);
        var after = admin.get(webhooks() + "/" + webhook.get("id").asString()).json();
        assertThat(after.get("enabled").asBoolean()).isFalse();
        assertThat(after.get("disabled_reason").asString()).contains("410");
        var redeliver = admin.post(webhooks() + "/" + webhook.get("id").asString() + "/deliveries/"
                + delivery.get("id").asString() + "/redeliver", Map.of());
        assertThat(redeliver.status()).isEqualTo(409);
    }

    @Test
    void deletingAWebhookStopsItsDeliveries() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        var webhook = subscribe(path, List.of("card.created"));
        assertThat(admin.delete(webhooks() + "/" + webhook.get("id").asString()).status()).isEqualTo(204);
        assertThat(admin.get(webhooks() + "/" + webhook.get("id").asString()).status()).isEqualTo(404);
        var other = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(other).willReturn(aResponse().withStatus(200)));
        subscribe(other, List.of("card.created"));
        card(board(), "Order 48");
        awaitReceived(other, 1);
        assertThat(received(path)).isEmpty();
    }

    @Test
    void aDeliveryClaimedByANodeThatDiedIsSentOnceItsLeaseRunsOut() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        var webhook = subscribe(path, List.of("card.created"));
        var id = UUID.fromString(webhook.get("id").asString());
        Instant claimedAt;
        worker.pause();
        try {
            card(board(), "Order 49");
            await().atMost(PATIENCE).until(() -> !deliveries(id.toString()).isEmpty());
            // a node claims it for 2 s and dies before sending
            var claimed = deliveryQueue.claim("dead-node", 1000, Duration.ofSeconds(2), 1000, Map.of());
            claimedAt = Instant.now();
            assertThat(claimed).anyMatch(delivery -> delivery.subscriptionId().equals(id));
        } finally {
            worker.resume();
        }

        var request = awaitReceived(path, 1).getFirst();
        assertThat(request.getLoggedDate().toInstant()).isAfter(claimedAt.plusMillis(1500));
        var delivery = awaitDelivery(id.toString(), "delivered");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
        assertThat(received(path)).hasSize(1);
    }

    @Test
    void twoNodesSendEachDeliveryExactlyOnce() throws Exception {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200).withFixedDelay(30)));
        var webhook = subscribe(path, List.of("card.created"));
        int cards = 30;
        try (var other = SecondNode.start("--whatpro.outbound.allowed=127.0.0.1",
                "--whatpro.webhooks.poll-interval=50ms", "--whatpro.webhooks.backoff-base=100ms",
                "--whatpro.webhooks.backoff-cap=300ms")) {
            var board = board();
            var otherAdmin = other.http().bearer(tenant.admin().token());
            for (int i = 0; i < cards; i++) {
                var through = i % 2 == 0 ? admin : otherAdmin;
                var response = through.post("/api/v1/accounts/" + tenant.id() + "/boards/"
                        + board.get("id").asString() + "/cards", Map.of("stage_id", stage(board, "A"), "title", "Card " + i));
                assertThat(response.status()).as(response.body()).isEqualTo(201);
            }
            await().atMost(PATIENCE).until(() -> {
                var items = deliveries(webhook.get("id").asString());
                return items.size() == cards && java.util.stream.StreamSupport.stream(items.spliterator(), false)
                        .allMatch(d -> d.get("status").asString().equals("delivered"));
            });
        }
        var ids = received(path).stream().map(request -> request.getHeader("webhook-id")).toList();
        assertThat(ids).hasSize(cards).doesNotHaveDuplicates();
        for (var delivery : deliveries(webhook.get("id").asString())) {
            assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        }
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement(
                        "select count(distinct claimed_by) from webhook_deliveries where subscription_id = ?")) {
            statement.setObject(1, UUID.fromString(webhook.get("id").asString()));
            try (var rows = statement.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).as("nodes that sent deliveries").isEqualTo(2);
            }
        }
    }

    @Test
    void oneAccountsBacklogOfDeliveriesDoesNotHoldUpAnotherAccountsDelivery() throws Exception {
        var slow = "/hooks/slow-" + UUID.randomUUID();
        receiver.stubFor(post(slow).willReturn(aResponse().withStatus(204).withFixedDelay(1_500)));
        var busy = fixtures.tenant("Busy webhooks");
        var busyHook = http().bearer(busy.admin().token()).post("/api/v1/accounts/" + busy.id() + "/webhooks",
                Map.of("url", receiverUrl(slow), "events", List.of("card.created"))).json().get("id").asString();
        var owner = TestInfrastructure.owner();
        owner.execute("""
                insert into webhook_deliveries (id, account_id, subscription_id, event, body, next_attempt_at)
                select gen_random_uuid(), %d, '%s', 'card.created', '{}', now() - interval '1 minute'
                from generate_series(1, 3000)""".formatted(busy.id(), busyHook));
        try {
            var path = "/hooks/" + UUID.randomUUID();
            receiver.stubFor(post(path).willReturn(aResponse().withStatus(204)));
            subscribe(path, List.of("card.created"));

            card(board(), "Not behind anyone");

            awaitReceived(path, 1);
            assertThat(Long.parseLong(owner.value("select count(*) from webhook_deliveries where account_id = "
                    + busy.id() + " and status = 'pending'"))).as("the other account's backlog, all due before")
                    .isGreaterThan(2_500);
        } finally {
            owner.execute("delete from webhook_deliveries where account_id = " + busy.id() + " and status = 'pending'");
        }
    }

    @Test
    void anEventOfARolledBackChangeIsNeverDeliveredAndOnePublishedInAnotherScopeIsDeliveredAfterItsCommit() {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(204)));
        subscribe(path, List.of("card.updated"));
        var account = AccountId.of(tenant.id());
        var board = UUID.randomUUID();
        var rolledBack = UUID.randomUUID();
        var platformScoped = UUID.randomUUID();
        var transactions = new TransactionTemplate(transactionManager);

        Tenancy.runAs(account, () -> transactions.executeWithoutResult(status -> {
            events.publishEvent(new CardChanged(account, board, rolledBack, "card.updated", Map.of(), null));
            status.setRollbackOnly();
        }));
        Tenancy.callAsPlatform(() -> transactions.execute(status -> {
            events.publishEvent(new CardChanged(account, board, platformScoped, "card.updated", Map.of(), null));
            return null;
        }));

        var delivered = awaitReceived(path, 1);
        assertThat(delivered).singleElement().satisfies(request -> assertThat(JSON.readTree(request.getBodyAsString())
                .get("data").get("card_id").asString()).isEqualTo(platformScoped.toString()));
        var logged = admin.get(webhooks()).json().get("items").get(0).get("id").asString();
        assertThat(deliveries(logged)).as("the rolled-back change has no delivery, not even a pending one")
                .singleElement();
    }

    @Test
    void aKeyRotationMovesEverySigningSecretUnderTheNewKeyPastOneThatCannotBeRead() throws Exception {
        var kept = subscribe("/hooks/" + UUID.randomUUID(), List.of("card.created"));
        var broken = subscribe("/hooks/" + UUID.randomUUID(), List.of("card.created"));
        var owner = TestInfrastructure.owner();
        owner.execute("update webhook_subscriptions set secret = 'not-sealed' where id = '"
                + broken.get("id").asString() + "'");
        var current = Base64.getEncoder().encodeToString(keys.encryptionKey());
        var next = KeyRing.newBase64Key();
        var rotated = new CredentialCipher(KeyRing.fromKeys(next, current));
        var back = new CredentialCipher(KeyRing.fromKeys(current, next));
        var id = UUID.fromString(kept.get("id").asString());
        try {
            assertThat(rotation.reencrypt(subscriptions, rotated)).isPositive();

            var stored = owner.value("select secret from webhook_subscriptions where id = '" + id + "'");
            assertThat(stored).startsWith("v1:" + KeyRing.fingerprint(next) + ":");
            assertThat(rotated.decrypt(stored, subscriptions.associatedData(AccountId.of(tenant.id()), id)))
                    .as("the secret the receiver holds still signs").isEqualTo(kept.get("secret").asString());
            assertThat(owner.value("select secret from webhook_subscriptions where id = '"
                    + broken.get("id").asString() + "'")).isEqualTo("not-sealed");
            assertThat(rotation.reencrypt(subscriptions, rotated)).as("nothing readable left under the old key")
                    .isZero();
        } finally {
            rotation.reencrypt(subscriptions, back);
            assertThat(admin.delete(webhooks() + "/" + broken.get("id").asString()).status()).isEqualTo(204);
        }
    }

    @Test
    void aNumberThatConnectsIsDeliveredAsProviderConnection() throws Exception {
        var path = "/hooks/" + UUID.randomUUID();
        receiver.stubFor(post(path).willReturn(aResponse().withStatus(200)));
        subscribe(path, List.of("provider.connection"));
        var provider = UUID.randomUUID();
        var owner = TestInfrastructure.owner();
        try (var connection = DriverManager.getConnection(owner.url(), owner.username(), owner.password());
                var statement = connection.prepareStatement("""
                        insert into providers (id, account_id, name, type, base_url, credentials, webhook_secret_hash,
                                               webhook_secret)
                        values (?, ?, 'Sales number', 'evolution', 'http://127.0.0.1:1', 'sealed', '\\x00', 'sealed')
                        """)) {
            statement.setObject(1, provider);
            statement.setLong(2, tenant.id());
            statement.executeUpdate();
        }
        var account = com.whatpro.hub.platform.AccountId.of(tenant.id());
        com.whatpro.hub.platform.Tenancy.runAs(account, () -> providers.recordState(account, provider,
                com.whatpro.hub.providers.ConnectionState.connected("open")));
        // the same state again (a health check) is no news
        com.whatpro.hub.platform.Tenancy.runAs(account, () -> providers.recordState(account, provider,
                com.whatpro.hub.providers.ConnectionState.connected("open")));
        com.whatpro.hub.platform.Tenancy.runAs(account, () -> providers.recordState(account, provider,
                com.whatpro.hub.providers.ConnectionState.disconnected("logged out")));

        var requests = awaitReceived(path, 2);
        var data = requests.stream().map(request -> JSON.readTree(request.getBodyAsString()))
                .peek(body -> assertThat(body.get("type").asString()).isEqualTo("provider.connection"))
                .map(body -> body.get("data")).toList();
        var connected = data.stream().filter(d -> d.get("status").asString().equals("connected")).findFirst()
                .orElseThrow();
        var disconnected = data.stream().filter(d -> d.get("status").asString().equals("disconnected")).findFirst()
                .orElseThrow();
        assertThat(connected.get("provider_id").asString()).isEqualTo(provider.toString());
        assertThat(connected.get("previous_status").isNull()).isTrue();
        assertThat(disconnected.get("previous_status").asString()).isEqualTo("connected");
        assertThat(disconnected.get("detail").asString()).isEqualTo("logged out");
        assertThat(received(path)).hasSize(2);
    }
}
