package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/** One account's numbers on a slow provider server do not hold up the health checks of another account's numbers. */
class HealthCheckFairnessTests extends IntegrationTest {

    @RegisterExtension
    static WireMockExtension slow = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension fast = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    /** More than a batch (20): claims in plain due order would take none but these. */
    private static final int BUSY_NUMBERS = 24;
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(4);

    @Autowired
    ProviderHealth health;

    @AfterEach
    void everyRequestMatchesThePostmanCollection() throws Exception {
        // the numbers left due would keep the scheduled rounds of later tests busy with the slow server
        TestInfrastructure.owner().execute("update providers set next_check_at = now() + interval '1 day'"
                + " where base_url in ('" + slow.baseUrl() + "', '" + fast.baseUrl() + "')");
        for (var server : new WireMockExtension[] {slow, fast}) {
            for (var event : server.getAllServeEvents()) {
                var path = URI.create(event.getRequest().getUrl()).getRawPath();
                COLLECTION.assertConforms(event.getRequest(), "Connection Status",
                        path.substring(path.lastIndexOf('/') + 1), Set.of());
            }
        }
    }

    @Test
    void anotherAccountsNumberIsCheckedWithoutWaitingForTheSlowOnes() throws Exception {
        slow.stubFor(get(urlPathMatching("/instance/connectionState/.*")).willReturn(
                okJson("{\"instance\": {\"state\": \"open\"}}").withFixedDelay((int) SLOW_ANSWER.toMillis())));
        fast.stubFor(get(urlPathMatching("/instance/connectionState/.*"))
                .willReturn(okJson("{\"instance\": {\"state\": \"open\"}}")));
        var fixtures = new Fixtures(http());
        var busy = fixtures.tenant("Busy numbers");
        var changed = http().bearer(fixtures.superAdmin()).put("/api/v1/accounts/" + busy.id() + "/entitlements",
                Map.of("limits", Map.of("max_providers", BUSY_NUMBERS)));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        var busyAdmin = http().bearer(busy.admin().token());
        for (int i = 0; i < BUSY_NUMBERS; i++) {
            assertThat(number(busyAdmin, busy.id(), "Busy " + i, "busy" + i, slow.baseUrl()).status()).isEqualTo(201);
        }
        var other = fixtures.tenant("Other numbers");
        var otherAdmin = http().bearer(other.admin().token());
        var created = number(otherAdmin, other.id(), "Other", "other", fast.baseUrl());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        var otherNumber = "/api/v1/accounts/" + other.id() + "/providers/" + created.json().get("id").asString();
        // once on demand, so that the round's figure holds no first-call costs
        assertThat(otherAdmin.post(otherNumber + "/health-check", "").json().get("status").asString())
                .isEqualTo("connected");
        // all due, the busy account's numbers longest: the order of the claims puts them first
        TestInfrastructure.owner().execute("update providers set status = 'unknown', checked_at = null,"
                + " next_check_at = case when account_id = " + busy.id() + " then timestamptz '2000-01-01 00:00Z'"
                + " else timestamptz '2000-01-01 00:01Z' end where account_id in (" + busy.id() + ", " + other.id()
                + ")");

        var checked = new AtomicInteger();
        long start = System.nanoTime();
        var round = Thread.ofVirtual().start(() -> checked.set(health.checkDue()));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> otherAdmin.get(otherNumber).json().get("status").asString(), "connected"::equals);
        var waited = Duration.ofNanos(System.nanoTime() - start);
        round.join();
        var batch = Duration.ofNanos(System.nanoTime() - start);

        assertThat(waited).as("the other account's number was checked %d ms after the round started",
                waited.toMillis()).isLessThan(SLOW_ANSWER);
        assertThat(batch).as("a batch of %d providers took %d ms", checked.get(), batch.toMillis())
                .isLessThan(SLOW_ANSWER.multipliedBy(2));
    }

    private static TestHttp.Response number(TestHttp admin, long account, String name, String instance,
            String baseUrl) {
        return admin.post("/api/v1/accounts/" + account + "/providers",
                ProvidersTests.evolutionProvider(name, instance, baseUrl, "key-" + instance));
    }
}
