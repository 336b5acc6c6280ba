package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.WhatProHub;
import com.whatpro.hub.platform.ApiProblem;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The rate-limit layers at small numbers, in a context of their own (the shared test context
 * runs with limits nobody meets) and a Redis key space of their own. 127.0.0.1 is a trusted
 * proxy here, so each test plays its clients from addresses of its own via X-Forwarded-For.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitTests {

    private static final String KEY_PREFIX = "test-ratelimits-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @LocalServerPort
    int port;

    static Map<String, String> properties() {
        var properties = new LinkedHashMap<>(TestInfrastructure.properties());
        properties.put("whatpro.redis.key-prefix", KEY_PREFIX);
        properties.put("whatpro.web.trusted-proxies", "127.0.0.1/32,::1");
        properties.put("whatpro.rate-limits.anonymous", "5/1m");
        properties.put("whatpro.rate-limits.failed-logins", "3/15m");
        properties.put("whatpro.rate-limits.api-key", "3/1m");
        properties.put("whatpro.rate-limits.roles.agent", "4/1m");
        properties.put("whatpro.rate-limits.roles.supervisor", "1000/1m");
        properties.put("whatpro.rate-limits.roles.admin", "1000/1m");
        properties.put("whatpro.rate-limits.roles.super-admin", "100000/1m");
        properties.put("whatpro.rate-limits.plans.free", "6/1m");
        properties.put("whatpro.rate-limits.plans.standard", "100000/1m");
        return properties;
    }

    @DynamicPropertySource
    static void smallLimits(DynamicPropertyRegistry registry) {
        properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    private static String freshAddress() {
        var n = ADDRESSES.incrementAndGet();
        return "203.0." + (n / 250) + "." + (n % 250 + 1);
    }

    private TestHttp from(String address) {
        return TestHttp.at(port).with("X-Forwarded-For", address);
    }

    private Fixtures fixtures() {
        return new Fixtures(from(freshAddress()));
    }

    @Test
    void requestsWithoutACredentialTripAtTheLimitOfTheirAddress() {
        var client = from(freshAddress());
        for (int i = 1; i <= 5; i++) {
            var response = i % 2 == 0 ? client.get("/api/v1/auth/me") : client.bearer("not-a-token").get("/api/v1/auth/me");
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("RateLimit-Limit")).isEqualTo("5");
            assertThat(response.header("RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
            assertThat(Long.parseLong(response.header("RateLimit-Reset"))).isBetween(1L, 60L);
            assertThat(response.header("RateLimit-Policy")).isEqualTo("5;w=60");
        }

        var refused = client.post("/api/v1/auth/login", Map.of("email", "x@example.test", "password", "whatever"));

        assertTooMany(refused, "ip");
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(from(freshAddress()).get("/api/v1/auth/me").status()).as("another address").isEqualTo(401);
    }

    @Test
    void whatAClientWritesIntoXForwardedForDoesNotEscapeItsLimit() {
        var real = freshAddress();
        for (int i = 0; i < 5; i++) {
            // the trusted proxy appends the real address to whatever the client sent
            assertThat(from("198.51.100." + i + ", " + real).get("/api/v1/auth/me").status()).isEqualTo(401);
        }

        assertTooMany(from("198.51.100.99, " + real).get("/api/v1/auth/me"), "ip");
    }

    @Test
    void providerWebhooksAreNeverThrottledByTheAddressLimit() {
        var client = from(freshAddress());
        for (int i = 0; i < 8; i++) {
            var response = client.post("/api/v1/webhooks/providers/" + UUID.randomUUID() + "/secret", Map.of("event", "x"));
            assertThat(response.status()).isNotEqualTo(429);
            assertThat(response.header("RateLimit-Limit")).isNull();
        }
        assertThat(client.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("4");
    }

    @Test
    void signedInUsersHaveABucketSizedByTheirRole() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Role Co");
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var users = "/api/v1/accounts/" + tenant.id() + "/users";
        var asAgent = TestHttp.at(port).bearer(agent.token());

        for (int i = 1; i <= 4; i++) {
            var response = asAgent.get(users);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("RateLimit-Limit")).isEqualTo("4");
            assertThat(response.header("RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
        }

        assertTooMany(asAgent.get(users), "user");
        var asAdmin = TestHttp.at(port).bearer(tenant.admin().token()).get(users);
        assertThat(asAdmin.status()).as("the admin has a bucket of their own").isEqualTo(200);
        assertThat(asAdmin.header("RateLimit-Limit")).isEqualTo("1000");
    }

    @Test
    void apiKeysHaveABucketOfTheirOwn() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Key Co");
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "users:read");
        var users = "/api/v1/accounts/" + tenant.id() + "/users";

        for (int i = 1; i <= 3; i++) {
            var response = TestHttp.at(port).with("X-API-Key", key).get(users);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("RateLimit-Remaining")).isEqualTo(Integer.toString(3 - i));
        }

        assertTooMany(TestHttp.at(port).bearer(key).get(users), "api_key");
        assertThat(TestHttp.at(port).bearer(tenant.admin().token()).get(users).status()).isEqualTo(200);
    }

    @Test
    void anAccountsCallersShareTheBucketOfItsPlan() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Plan Co");
        var supervisor = fixtures.member(tenant.admin().token(), tenant.id(), "supervisor");
        var users = "/api/v1/accounts/" + tenant.id() + "/users";
        var changed = TestHttp.at(port).bearer(fixtures.superAdmin())
                .put("/api/v1/accounts/" + tenant.id() + "/entitlements", Map.of("plan", "free"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);

        for (int i = 1; i <= 3; i++) {
            var response = TestHttp.at(port).bearer(tenant.admin().token()).get(users);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("RateLimit-Limit")).as("the account's bucket is the tightest").isEqualTo("6");
        }
        for (int i = 4; i <= 6; i++) {
            assertThat(TestHttp.at(port).bearer(supervisor.token()).get(users).header("RateLimit-Remaining"))
                    .isEqualTo(Integer.toString(6 - i));
        }

        assertTooMany(TestHttp.at(port).bearer(tenant.admin().token()).get(users), "account");
        assertTooMany(TestHttp.at(port).bearer(supervisor.token()).get(users), "account");
        assertThat(TestHttp.at(port).bearer(fixtures.superAdmin()).get(users).status())
                .as("a super_admin does not spend the account's requests").isEqualTo(200);
    }

    @Test
    void failedSignInsAreLimitedPerTargetEmail() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Login Co");
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var login = "/api/v1/auth/login";

        for (int i = 0; i < 3; i++) {
            assertThat(from(freshAddress()).post(login, Map.of("email", agent.email(), "password", "guess " + i)).status())
                    .isEqualTo(401);
        }
        var locked = from(freshAddress()).post(login, Map.of("email", agent.email().toUpperCase(), "password", Fixtures.PASSWORD));

        assertTooMany(locked, "email");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 300L);
        assertThat(SecurityEventsRecorder.seen(LoginFailed.class))
                .anyMatch(e -> e.email().equals(agent.email()) && e.reason().equals("too_many_failures"));
        assertThat(from(freshAddress()).post(login, Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD))
                .status()).as("another email").isEqualTo(200);
    }

    @Test
    void goodPasswordsSpendNoFailedSignInAllowance() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Good Co");

        for (int i = 0; i < 6; i++) {
            var response = from(freshAddress()).post("/api/v1/auth/login",
                    Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
        }
    }

    @Test
    void twoInstancesOnOneRedisShareOneBucket() {
        var args = new ArrayList<String>();
        properties().forEach((key, value) -> args.add("--" + key + "=" + value));
        args.add("--server.port=0");
        try (var second = new SpringApplicationBuilder(WhatProHub.class).run(args.toArray(String[]::new))) {
            var secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
            assertThat(secondPort).isNotEqualTo(port);
            var address = freshAddress();
            var one = from(address);
            var two = TestHttp.at(secondPort).with("X-Forwarded-For", address);

            assertThat(one.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("4");
            assertThat(one.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("3");
            assertThat(two.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("2");
            assertThat(one.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("1");
            assertThat(two.get("/api/v1/auth/me").header("RateLimit-Remaining")).isEqualTo("0");

            assertTooMany(two.get("/api/v1/auth/me"), "ip");
            assertTooMany(one.get("/api/v1/auth/me"), "ip");
        }
    }

    @Test
    void theSignInPageSaysWhenToTryAgainAfterTooManyFailedAttempts() {
        var email = "page-" + UUID.randomUUID() + "@example.test";
        var client = from(freshAddress()).with("Accept-Language", "en");
        var page = client.get("/app/login");
        var csrfCookie = page.headers().get("set-cookie").stream().filter(c -> c.startsWith("whatpro_xsrf="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        var token = java.util.regex.Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"")
                .matcher(page.body()).results().findFirst().orElseThrow().group(1);
        java.util.function.Supplier<TestHttp.Response> attempt = () -> client.send(client.request("/app/login")
                .header("Cookie", csrfCookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("email=" + java.net.URLEncoder.encode(email,
                        java.nio.charset.StandardCharsets.UTF_8) + "&password=wrong-password&_csrf=" + token)));
        for (int i = 0; i < 3; i++) {
            var refused = attempt.get();
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.body()).contains("The e-mail or the password is not right");
        }

        var throttled = attempt.get();

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("text/html");
        var retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 15 * 60L);
        assertThat(throttled.body()).contains("role=\"alert\"")
                .contains("Too many failed attempts for this e-mail. Try again in " + ((retryAfter + 59) / 60) + " minute(s).");
    }

    private static void assertTooMany(TestHttp.Response response, String scope) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
        var body = response.json();
        assertThat(body.get("type").asString()).isEqualTo(ApiProblem.TYPE_PREFIX + "rate-limited");
        assertThat(body.get("status").asInt()).isEqualTo(429);
        assertThat(body.get("scope").asString()).isEqualTo(scope);
        assertThat(body.get("retry_after").asLong()).isPositive();
    }
}
