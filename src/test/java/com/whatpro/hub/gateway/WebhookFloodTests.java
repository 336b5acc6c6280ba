package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.QueriesByRequest;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Webhooks from strangers cost nothing: an unknown provider id or account is looked up once, then remembered apart
 * from the real ones, so no flood pushes a real provider out of the cache; and failures are limited per client IP
 * while the webhooks a real provider sends from the same address are still taken in.
 *
 * <p>In a context of its own: every database call of a request is recorded under its request id
 * ({@link QueriesByRequest}); caches are small (100 known, 1,000 unknown) and long-lived (10 min), so any eviction
 * would show and no expiry gets in the way; at most 20 failed webhooks per minute per address; 127.0.0.1 is a
 * trusted proxy, so each test plays its clients from addresses of its own via X-Forwarded-For.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(QueriesByRequest.class)
class WebhookFloodTests {

    private static final String KEY_PREFIX = "test-floods-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    @LocalServerPort
    int port;

    Fixtures.Tenant tenant;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        var properties = new LinkedHashMap<>(TestInfrastructure.properties());
        properties.put("whatpro.redis.key-prefix", KEY_PREFIX);
        properties.put("whatpro.web.trusted-proxies", "127.0.0.1/32,::1");
        properties.put("whatpro.providers.webhook-cache-ttl", "10m");
        properties.put("whatpro.providers.webhook-cache-size", "100");
        properties.put("whatpro.providers.webhook-unknown-cache-size", "1000");
        properties.put("whatpro.rate-limits.webhook-failures", "20/1m");
        properties.put("whatpro.web.access-log", "false"); // 20,000 lines of it would only slow the flood down
        properties.forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void setUp() {
        tenant = new Fixtures(TestHttp.at(port)).tenant("Floods");
    }

    @Test
    void anUnknownProviderIdOrWrongSecretCostsADatabaseQueryOnlyTheFirstTime() {
        var real = Gateway.evolution(TestHttp.at(port), tenant.admin().token(), tenant.id(), null, null);
        var paths = new ArrayList<String>();
        for (int i = 0; i < 30; i++) {
            paths.add("/api/v1/webhooks/providers/" + UUID.randomUUID() + "/some-guess");
        }
        paths.add("/api/v1/webhooks/providers/" + real.id() + "/not-the-secret");
        paths.add("/api/v1/webhooks/chatwoot/" + (900_000_000L + REQUESTS.incrementAndGet()) + "/some-guess");

        for (var path : paths) {
            var client = from(freshAddress());
            var first = send(client, path, "{}");
            var second = send(client, path, "{}");
            var third = send(client, path, "{}");

            assertThat(List.of(first.status(), second.status(), third.status())).as(path).containsOnly(404);
            assertThat(first.calls()).as("the first look-up of " + path).isNotEmpty();
            assertThat(second.calls()).as("the second look-up of " + path).isEmpty();
            assertThat(third.calls()).as("the third look-up of " + path).isEmpty();
        }
    }

    @Test
    void aFloodOfTwentyThousandUnknownIdsDoesNotPushARealProviderOutOfTheCache() throws Exception {
        var real = Gateway.evolution(TestHttp.at(port), tenant.admin().token(), tenant.id(), null, null);
        var warmUp = send(from(freshAddress()), real.webhookPath(), message(real));
        assertThat(warmUp.status()).as(warmUp.body()).isEqualTo(200);

        var statuses = new ConcurrentHashMap<Integer, AtomicInteger>();
        try (var pool = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
            var address = new String[1];
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 20_000; i++) {
                if (i % 10 == 0) {
                    address[0] = freshAddress();
                }
                var client = from(address[0]);
                futures.add(pool.submit(() -> {
                    var response = Gateway.post(client, "/api/v1/webhooks/providers/" + UUID.randomUUID() + "/x", "{}",
                            Map.of());
                    statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                }));
            }
            for (var future : futures) {
                future.get();
            }
        }
        assertThat(statuses.keySet()).containsOnly(404);
        assertThat(statuses.get(404).get()).isEqualTo(20_000);

        var after = send(from(freshAddress()), real.webhookPath(), message(real));

        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(after.body()).contains("\"stored\":1");
        assertThat(after.calls()).as("what the real provider's webhook asked of the database")
                .noneMatch(sql -> sql.contains("from providers"));
    }

    @Test
    void failedWebhooksFromOneAddressAreRefusedWith429WhileARealProviderSendingFromItIsStillTakenIn() {
        var real = Gateway.evolution(TestHttp.at(port), tenant.admin().token(), tenant.id(), "evo-flood-token", null);
        var wrongSecret = "/api/v1/webhooks/providers/" + real.id() + "/not-the-secret";
        var shared = from(freshAddress());
        var good = Map.of("x-webhook-token", "evo-flood-token");

        var failures = new ArrayList<Integer>();
        for (int i = 0; i < 20; i++) {
            failures.add(switch (i % 3) {
                case 0 -> Gateway.post(shared, wrongSecret, "{}", good).status();
                case 1 -> Gateway.post(shared, "/api/v1/webhooks/providers/" + UUID.randomUUID() + "/x", "{}", good)
                        .status();
                default -> Gateway.post(shared, real.webhookPath(), message(real), Map.of("x-webhook-token", "no"))
                        .status();
            });
        }
        var refused = Gateway.post(shared, wrongSecret, "{}", good);
        var stillRefused = Gateway.post(shared, "/api/v1/webhooks/chatwoot/" + tenant.id() + "/guess", "{}", Map.of());
        var elsewhere = Gateway.post(from(freshAddress()), wrongSecret, "{}", good);

        assertThat(failures).containsOnly(404, 401);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.json().get("scope").asString()).isEqualTo("webhook_failures");
        assertThat(stillRefused.status()).isEqualTo(429);
        assertThat(elsewhere.status()).isEqualTo(404);

        for (int i = 0; i < 5; i++) {
            var messageId = "3EB0" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
            var accepted = Gateway.post(shared, real.webhookPath(), Gateway.evolutionMessage(real.key(), messageId,
                    "5511987650071@s.whatsapp.net", "Ana", "oi " + i, false), good);

            assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.json().get("stored").asInt()).isEqualTo(1);
            assertThat(Gateway.query("select count(*) from gateway_jobs where dedup_key = 'provider:" + real.id()
                    + ":message:" + messageId + "'")).isEqualTo("1");
        }
        assertThat(Gateway.post(shared, wrongSecret, "{}", good).status()).isEqualTo(429);
    }

    private record Sent(int status, String body, List<String> calls) {
    }

    private Sent send(TestHttp client, String path, String body) {
        var requestId = "flood-" + REQUESTS.incrementAndGet();
        var response = Gateway.post(client, path, body, Map.of("X-Request-Id", requestId));
        return new Sent(response.status(), response.body(), QueriesByRequest.of(requestId));
    }

    private static String message(Gateway.Provider provider) {
        var messageId = "3EB0" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
        return Gateway.evolutionMessage(provider.key(), messageId, "5511987650070@s.whatsapp.net", "Ana", "oi", false);
    }

    private TestHttp from(String address) {
        return TestHttp.at(port).with("X-Forwarded-For", address);
    }

    private static String freshAddress() {
        var n = ADDRESSES.incrementAndGet();
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }
}
