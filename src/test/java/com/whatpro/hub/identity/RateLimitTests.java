package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.SignInForms;
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
        var form = SignInForms.visit(from(freshAddress()).with("Accept-Language", "en"), "/app/login");
        java.util.function.Supplier<TestHttp.Response> attempt = () -> form.post("/app/login",
                Map.of("email", email, "password", "wrong-password"));
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

    @Test
    void theSignInPageRefusesAnAddressThatSpentItsBudgetWhateverEmailItTries() {
        var client = from(freshAddress()).with("Accept-Language", "en");
        var form = SignInForms.visit(client, "/app/login");
        for (int i = 1; i <= 5; i++) {
            var refused = form.post("/app/login", Map.of("email", sprayed(i), "password", "guess " + i));
            assertThat(refused.status()).as("attempt %d", i).isEqualTo(401);
            assertThat(refused.body()).contains("The e-mail or the password is not right");
        }

        var throttled = form.post("/app/login", Map.of("email", sprayed(6), "password", "guess 6"));

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.contentType()).startsWith("text/html");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(throttled.body()).contains("role=\"alert\"")
                .contains("Too many sign-in attempts from your network. Try again in 1 minute(s).");
        assertTooMany(client.post("/api/v1/auth/login", Map.of("email", sprayed(7), "password", "guess 7")), "ip");
        assertThat(SignInForms.visit(from(freshAddress()), "/app/login")
                .post("/app/login", Map.of("email", sprayed(8), "password", "guess 8")).status())
                .as("another address").isEqualTo(401);
    }

    @Test
    void theDashboardAppAndChatwootSignInFormsShareTheAddressBudgetWithTheApi() {
        var client = from(freshAddress()).with("Accept-Language", "en");
        var pages = SignInForms.visit(client, "/app/login");
        var embed = SignInForms.visit(client, "/app/embed");
        var attempts = java.util.List.<java.util.function.Supplier<TestHttp.Response>>of(
                () -> embed.post("/app/embed/login", Map.of("email", sprayed(1), "password", "guess")),
                () -> pages.post("/app/login/chatwoot", Map.of("token", "not-a-chatwoot-token-1")),
                () -> client.post("/api/v1/auth/login", Map.of("email", sprayed(3), "password", "guess")),
                () -> embed.post("/app/embed/login", Map.of("email", sprayed(4), "password", "guess")),
                () -> pages.post("/app/login", Map.of("email", sprayed(5), "password", "guess")));
        for (var attempt : attempts) {
            assertThat(attempt.get().status()).isNotEqualTo(429);
        }

        var embedded = embed.post("/app/embed/login", Map.of("email", sprayed(6), "password", "guess"));
        var chatwoot = pages.post("/app/login/chatwoot", Map.of("token", "not-a-chatwoot-token-2"));

        for (var throttled : java.util.List.of(embedded, chatwoot)) {
            assertThat(throttled.status()).as(throttled.body()).isEqualTo(429);
            assertThat(throttled.contentType()).startsWith("text/html");
            assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(throttled.body()).contains("role=\"alert\"")
                    .contains("Too many sign-in attempts from your network. Try again in 1 minute(s).");
        }
    }

    @Test
    void aSignInWithAValidBearerTokenStillCountsAgainstItsAddress() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Bearer Co");
        var signedIn = from(freshAddress()).bearer(tenant.admin().token());
        for (int i = 1; i <= 5; i++) {
            var refused = signedIn.post("/api/v1/auth/login", Map.of("email", sprayed(i), "password", "guess"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(401);
            assertThat(refused.header("RateLimit-Limit")).as("the address's bucket, not the user's").isEqualTo("5");
            assertThat(refused.header("RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
        }

        assertTooMany(signedIn.post("/api/v1/auth/login", Map.of("email", sprayed(6), "password", "guess")), "ip");
        var own = signedIn.get("/api/v1/auth/me");
        assertThat(own.status()).as("the user's own requests still pass").isEqualTo(200);
        assertThat(own.header("RateLimit-Limit")).isEqualTo("4");
    }

    @Test
    void singleSignOnAndRefreshWithAValidApiKeyOrTokenStillCountAgainstTheAddress() {
        var fixtures = fixtures();
        var tenant = fixtures.tenant("Key Sso Co");
        var key = fixtures.apiKey(tenant.admin().token(), tenant.id(), "users:read");
        var address = freshAddress();
        var withKey = from(address).with("X-API-Key", key);
        for (int i = 1; i <= 5; i++) {
            var response = i % 2 == 0
                    ? withKey.post("/api/v1/auth/refresh", Map.of("refresh_token", "not-a-refresh-token-" + i))
                    : withKey.post("/api/v1/auth/sso", Map.of("token", "not-a-chatwoot-token-" + i));
            assertThat(response.status()).as(response.body()).isNotEqualTo(429);
            assertThat(response.header("RateLimit-Limit")).as("the address's bucket, not the key's").isEqualTo("5");
            assertThat(response.header("RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
        }

        assertTooMany(withKey.post("/api/v1/auth/refresh", Map.of("refresh_token", "not-a-refresh-token")), "ip");
        assertTooMany(from(address).bearer(tenant.admin().token()).post("/api/v1/auth/sso",
                Map.of("token", "not-a-chatwoot-token")), "ip");
    }

    @Test
    void aSignInRouteSpelledWithPercentEscapesNeverReachesSignIn() {
        // routing would decode the path to the sign-in route; it is refused before any limit or handler reads it
        var client = from(freshAddress()).bearer(fixtures().tenant("Escape Co").admin().token());
        for (int i = 1; i <= 6; i++) {
            var refused = client.post("/%61pi/v1/auth/%6cogin", Map.of("email", sprayed(i), "password", "guess"));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.header("RateLimit-Remaining")).isNull();
        }
    }

    /** A different e-mail for every attempt, as a password spray rotates them. */
    private static String sprayed(int attempt) {
        return "spray-" + attempt + "-" + UUID.randomUUID() + "@example.test";
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
