package com.whatpro.hub.providers.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a webhook registration request must look like to each provider: Evolution's "Set Webhook" of the v2.3 Postman
 * collection (down to the keys of its {@code webhook} object and its event names), uazapi's {@code POST /webhook} of
 * the uazapi OpenAPI document.
 */
public final class WebhookSetContracts {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final SpecValidator UAZAPI = SpecValidator.uazapi();

    private WebhookSetContracts() {
    }

    /** @param instancePath the instance name as it appears in the path (percent-encoded) */
    public static void assertEvolutionConforms(LoggedRequest request, String instancePath) {
        COLLECTION.assertConforms(request, "Set Webhook", instancePath, Set.of("webhook"));
        JsonNode example = COLLECTION.entry("Set Webhook").body().path("webhook");
        JsonNode sent = JSON.readTree(request.getBodyAsString()).path("webhook");
        assertThat(example.propertyNames()).as("keys of webhook in the collection's Set Webhook")
                .containsAll(sent.propertyNames());
        assertThat(sent.propertyNames()).contains("enabled", "url", "events");
        assertThat(sent.path("url").isString()).isTrue();
        assertThat(sent.path("enabled").isBoolean()).isTrue();
        assertThat(sent.path("byEvents").isMissingNode() || sent.path("byEvents").isBoolean()).isTrue();
        assertThat(sent.path("base64").isMissingNode() || sent.path("base64").isBoolean()).isTrue();
        assertThat(texts(example.path("events"))).as("event names the collection lists")
                .containsAll(texts(sent.path("events")));
        JsonNode headers = sent.path("headers");
        assertThat(headers.isMissingNode() || headers.isObject()).as("headers is an object").isTrue();
        headers.forEach(value -> assertThat(value.isString()).as("header values are strings").isTrue());
    }

    public static void assertUazapiConforms(LoggedRequest request) {
        assertThat(request.getUrl()).isEqualTo("/webhook");
        UAZAPI.assertValid(request);
    }

    static Set<String> texts(JsonNode array) {
        var values = new LinkedHashSet<String>();
        array.forEach(item -> values.add(item.asString()));
        return values;
    }
}
