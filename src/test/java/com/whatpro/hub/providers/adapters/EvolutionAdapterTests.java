package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ConnectionState;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Evolution API adapter against a WireMock Evolution; every request it sends is checked against the request of
 * the same name in the v2.3 Postman collection. Answers are shaped as Evolution API's source sends them (the
 * collection has no responses).
 */
class EvolutionAdapterTests {

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final String API_KEY = "B6D711FCDE4D4FD5936544120E713976";
    private static final String INSTANCE = "acme sales";
    private static final String INSTANCE_PATH = "acme%20sales";
    private static final String SENT = """
            {"key": {"remoteJid": "5511999999999@s.whatsapp.net", "fromMe": true, "id": "BAE594145F4C59B4"},
             "message": {"extendedTextMessage": {"text": "hi"}}, "messageTimestamp": "1717689097",
             "status": "PENDING"}""";

    private final EvolutionAdapter adapter = new EvolutionAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return endpoint(URI.create(evolution.baseUrl()));
    }

    private static ProviderEndpoint endpoint(URI base) {
        return new ProviderEndpoint(base, INSTANCE, new ProviderCredentials.Evolution(API_KEY, null));
    }

    @AfterEach
    void everyRequestMatchesThePostmanCollection() {
        for (var event : evolution.getAllServeEvents()) {
            LoggedRequest request = event.getRequest();
            String path = URI.create(request.getUrl()).getRawPath();
            if (path.startsWith("/message/sendText/")) {
                COLLECTION.assertConforms(request, "Send Text", INSTANCE_PATH, Set.of("number", "text"));
            } else if (path.startsWith("/message/sendMedia/")) {
                COLLECTION.assertConforms(request, "Send Media URL", INSTANCE_PATH,
                        Set.of("number", "mediatype", "media"));
            } else {
                COLLECTION.assertConforms(request, "Connection Status", INSTANCE_PATH, Set.of());
            }
        }
    }

    @Test
    void sendsTextAndReturnsTheKeyId() {
        evolution.stubFor(post("/message/sendText/" + INSTANCE_PATH).willReturn(okJson(SENT).withStatus(201)));

        assertThat(adapter.sendText(endpoint(), "+5511999999999", "hi").providerMessageId())
                .isEqualTo("BAE594145F4C59B4");
        evolution.verify(postRequestedFor(urlPathEqualTo("/message/sendText/" + INSTANCE_PATH))
                .withHeader("apikey", equalTo(API_KEY))
                .withRequestBody(equalToJson("{\"number\": \"5511999999999\", \"text\": \"hi\"}")));
    }

    @Test
    void sendsMediaWithExactlyTheCollectionsKeys() {
        evolution.stubFor(post("/message/sendMedia/" + INSTANCE_PATH).willReturn(okJson(SENT).withStatus(201)));

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.IMAGE,
                URI.create("https://files.example.com/photo.png"), "image/png", "Teste de caption", "Imagem.png"));

        LoggedRequest sent = evolution.getAllServeEvents().getFirst().getRequest();
        assertThat(JsonMapper.builder().build().readTree(sent.getBodyAsString()).propertyNames())
                .containsExactlyInAnyOrderElementsOf(COLLECTION.entry("Send Media URL").bodyKeys());
        evolution.verify(postRequestedFor(urlPathEqualTo("/message/sendMedia/" + INSTANCE_PATH))
                .withRequestBody(equalToJson("""
                        {"number": "5511999999999", "mediatype": "image", "mimetype": "image/png",
                         "caption": "Teste de caption", "media": "https://files.example.com/photo.png",
                         "fileName": "Imagem.png"}""")));
    }

    @Test
    void namesADocumentAfterItsUrlWhenNoFileNameIsGiven() {
        evolution.stubFor(post("/message/sendMedia/" + INSTANCE_PATH).willReturn(okJson(SENT).withStatus(201)));

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.DOCUMENT,
                URI.create("https://files.example.com/docs/price-list.pdf"), null, null, null));

        evolution.verify(postRequestedFor(urlPathEqualTo("/message/sendMedia/" + INSTANCE_PATH))
                .withRequestBody(equalToJson("""
                        {"number": "5511999999999", "mediatype": "document", "mimetype": "application/pdf",
                         "media": "https://files.example.com/docs/price-list.pdf", "fileName": "price-list.pdf"}""")));
    }

    @ParameterizedTest
    @CsvSource({"open, CONNECTED", "connecting, CONNECTING", "close, DISCONNECTED", "refused, REFUSED"})
    void mapsTheConnectionState(String state, ConnectionState.Status expected) {
        evolution.stubFor(get("/instance/connectionState/" + INSTANCE_PATH).willReturn(okJson(
                "{\"instance\": {\"instanceName\": \"acme sales\", \"state\": \"" + state + "\"}}")));

        ConnectionState result = adapter.state(endpoint());

        assertThat(result.status()).isEqualTo(expected);
        assertThat(result.detail()).isEqualTo(state);
    }

    @Test
    void rejectsAWrongApiKey() {
        evolution.stubFor(post("/message/sendText/" + INSTANCE_PATH).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\": 401, \"error\": \"Unauthorized\", \"response\": {\"message\": \"Unauthorized\"}}")));

        ProviderRejected rejected = catchThrowableOfType(ProviderRejected.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(rejected.retryable()).isFalse();
        assertThat(rejected.providerCode()).isEqualTo("Unauthorized");
        assertThat(rejected.getMessage()).doesNotContain(API_KEY);
    }

    @Test
    void rejectsANumberNotOnWhatsApp() {
        evolution.stubFor(post("/message/sendText/" + INSTANCE_PATH).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"status": 400, "error": "Bad Request", "response": {"message": [
                         {"jid": "5511999999999@s.whatsapp.net", "exists": false, "number": "5511999999999"}]}}""")));

        ProviderRejected rejected = catchThrowableOfType(ProviderRejected.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(rejected.httpStatus()).isEqualTo(400);
        assertThat(rejected.providerMessage()).contains("\"exists\":false");
    }

    @Test
    void rejectsAnUnknownInstance() {
        evolution.stubFor(get("/instance/connectionState/" + INSTANCE_PATH).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"status": 404, "error": "Not Found",
                         "response": {"message": ["The \\"acme sales\\" instance does not exist"]}}""")));

        assertThatThrownBy(() -> adapter.state(endpoint()))
                .isInstanceOf(ProviderRejected.class)
                .hasMessageContaining("instance does not exist");
    }

    @Test
    void treatsAServerErrorAsRetryable() {
        evolution.stubFor(post("/message/sendText/" + INSTANCE_PATH).willReturn(aResponse().withStatus(500)));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderUnavailable.class);
    }

    @Test
    void treatsASlowAnswerAsRetryable() {
        evolution.stubFor(post("/message/sendText/" + INSTANCE_PATH).willReturn(okJson(SENT).withFixedDelay(2_000)));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderUnavailable.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void treatsARefusedConnectionAsRetryable() {
        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(ClosedPort.url()), "+5511999999999", "hi"));

        assertThat(unavailable.httpStatus()).isZero();
        assertThat(unavailable.retryable()).isTrue();
    }
}
