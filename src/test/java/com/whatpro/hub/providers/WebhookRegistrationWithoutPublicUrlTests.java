package com.whatpro.hub.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Without {@code WHATPRO_PUBLIC_URL} the hub knows no address a provider could reach (the one a request came in on is
 * the caller's), so it registers nothing and says so.
 */
class WebhookRegistrationWithoutPublicUrlTests extends IntegrationTest {

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void registersNothingAndSaysWhatToSet() {
        var tenant = new Fixtures(http()).tenant("Unpublished");
        var admin = http().bearer(tenant.admin().token());
        var providers = "/api/v1/accounts/" + tenant.id() + "/providers";
        var id = admin.post(providers, Map.of("name", "Local", "type", "evolution", "base_url", evolution.baseUrl(),
                "instance_name", "local", "credentials", Map.of("api_key", "k"))).json().get("id").asString();

        var registration = settled(admin.get(providers + "/" + id).json(), () -> admin.get(providers + "/" + id).json());
        var again = admin.post(providers + "/" + id + "/webhook-registration", "");

        assertThat(registration.get("status").asString()).isEqualTo("skipped");
        assertThat(registration.get("detail").asString()).contains("WHATPRO_PUBLIC_URL", "webhook_url");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("status").asString()).isEqualTo("skipped");
        evolution.verify(0, postRequestedFor(anyUrl()));
        assertThat(evolution.findAll(anyRequestedFor(anyUrl())))
                .allMatch(request -> request.getUrl().startsWith("/instance/connectionState/"));
    }

    private static JsonNode settled(JsonNode first, java.util.function.Supplier<JsonNode> view) {
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        var current = first;
        while (current.get("webhook_registration").isNull()
                || current.get("webhook_registration").get("status").asString().equals("pending")) {
            assertThat(System.nanoTime()).as("registration settles: %s", current).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            current = view.get();
        }
        return current.get("webhook_registration");
    }
}
