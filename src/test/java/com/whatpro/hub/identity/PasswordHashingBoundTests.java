package com.whatpro.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.SignInForms;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import com.whatpro.hub.platform.ApiProblem;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bound on password hashing, in a context of its own with one hashing slot and a short wait: while the slot is
 * held, a sign-in is answered busy (503 with {@code Retry-After}) soon after the wait instead of hashing or queueing
 * on; once it is free, the same sign-in hashes and succeeds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PasswordHashingBoundTests {

    private static final Duration MAX_WAIT = Duration.ofMillis(200);

    @LocalServerPort
    int port;

    @Autowired
    PasswordEncoder passwords;

    @DynamicPropertySource
    static void oneHashingSlot(DynamicPropertyRegistry registry) {
        TestInfrastructure.properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("whatpro.identity.password-hashing.concurrency", () -> "1");
        registry.add("whatpro.identity.password-hashing.max-wait", () -> MAX_WAIT.toMillis() + "ms");
    }

    /** Takes the one hashing slot on a thread of its own and holds it until closed. */
    private final class HeldSlot implements AutoCloseable {

        private final CountDownLatch taken = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread holder;

        HeldSlot() throws InterruptedException {
            holder = Thread.ofVirtual().start(() -> ((BoundedPasswordEncoder) passwords).bounded(() -> {
                taken.countDown();
                try {
                    return release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }));
            assertThat(taken.await(10, TimeUnit.SECONDS)).as("the slot was taken").isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            holder.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSignInFindingEveryHashingSlotTakenIsAnsweredBusyInsteadOfHashing() throws Exception {
        var http = TestHttp.at(port);
        var tenant = new Fixtures(http).tenant("Busy Co");
        var credentials = Map.of("email", tenant.admin().email(), "password", Fixtures.PASSWORD);
        var form = SignInForms.visit(http.with("Accept-Language", "en"), "/app/login");

        try (var slot = new HeldSlot()) {
            var started = System.nanoTime();
            var busy = http.post("/api/v1/auth/login", credentials);
            var took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.contentType()).startsWith("application/problem+json");
            assertThat(busy.json().get("type").asString()).isEqualTo(ApiProblem.TYPE_PREFIX + "busy");
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(took).as("refused after the wait, not queued until the slot frees")
                    .isGreaterThanOrEqualTo(MAX_WAIT).isLessThan(Duration.ofSeconds(5));

            var page = form.post("/app/login", credentials);
            assertThat(page.status()).isEqualTo(503);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.header("Retry-After")).isEqualTo("1");
            assertThat(page.body()).contains("role=\"alert\"")
                    .contains("Too many people are signing in right now. Try again in a moment.");
        }

        assertThat(SecurityEventsRecorder.seen(LoginFailed.class)).as("a password never checked is no failed sign-in")
                .noneMatch(failed -> failed.email().equals(tenant.admin().email()));
        var signedIn = http.post("/api/v1/auth/login", credentials);
        assertThat(signedIn.status()).as("the slot is free again: " + signedIn.body()).isEqualTo(200);
        assertThat(form.post("/app/login", credentials).status()).isEqualTo(302);
    }
}
