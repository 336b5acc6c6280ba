package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadinessWithoutRedisTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructureWithRedisDown(DynamicPropertyRegistry registry) {
        TestInfrastructure.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("whatpro.redis.url", () -> "redis://127.0.0.1:1");
    }

    @Test
    void readinessIsUnavailableWhileRedisIsDown() {
        var ready = TestHttp.at(port).get("/health/ready");
        var live = TestHttp.at(port).get("/health/live");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks").get("redis").asString()).isEqualTo("DOWN");
        assertThat(live.status()).isEqualTo(200);
    }

    @Test
    void theNodeKeepsServingWithRateLimitsOnLocalBucketsAndReadinessSaysSo() {
        var ready = TestHttp.at(port).get("/health/ready");
        var anonymous = TestHttp.at(port).get("/api/v1/auth/me");
        var login = TestHttp.at(port).post("/api/v1/auth/login",
                java.util.Map.of("email", "root@whatpro.test", "password", "bootstrap-password-for-tests"));

        assertThat(ready.json().get("degraded").get("rate_limits").asString()).contains("local buckets");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("RateLimit-Limit")).isNotNull();
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.header("RateLimit-Remaining")).isNotNull();
    }
}
