package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis as a hung server leaves it: it takes connections and never answers (a refused connection fails faster).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadinessWithoutRedisTests {

    private static final List<Socket> HELD = new CopyOnWriteArrayList<>();
    private static final ServerSocket SILENT_REDIS = silentServer();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructureWithRedisDown(DynamicPropertyRegistry registry) {
        TestInfrastructure.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("whatpro.redis.url", () -> "redis://127.0.0.1:" + SILENT_REDIS.getLocalPort());
    }

    @AfterAll
    static void closeSilentRedis() throws IOException {
        SILENT_REDIS.close();
        for (var socket : HELD) {
            socket.close();
        }
    }

    @Test
    void readinessIsUnavailableWhileRedisIsDownAndSaysSoAtOnce() {
        var started = System.nanoTime();
        var ready = TestHttp.at(port).get("/health/ready");
        var took = Duration.ofNanos(System.nanoTime() - started);
        var live = TestHttp.at(port).get("/health/live");

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks").get("redis").asString()).isEqualTo("DOWN");
        assertThat(took).as("readiness while Redis does not answer").isLessThan(Duration.ofMillis(500));
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

    private static ServerSocket silentServer() {
        try {
            var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        HELD.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
