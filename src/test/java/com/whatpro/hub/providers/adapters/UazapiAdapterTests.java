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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The uazapi adapter against a WireMock uazapi; every request it sends is checked against the uazapi spec. */
class UazapiAdapterTests {

    @RegisterExtension
    static WireMockExtension uazapi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final SpecValidator SPEC = SpecValidator.uazapi();
    private static final String TOKEN = "5c1f7e2a-instance-token";
    // a Message as the spec's schema describes it; messageid is the WhatsApp id status events refer to
    private static final String SENT = """
            {"id": "5511888888888:3EB0538DA65A59F6D8A251", "messageid": "3EB0538DA65A59F6D8A251",
             "chatid": "5511999999999@s.whatsapp.net", "fromMe": true, "messageType": "text",
             "messageTimestamp": 1706112000000, "status": "sent", "text": "hi",
             "response": {"status": "success", "message": "Message sent successfully"}}""";

    private final UazapiAdapter adapter = new UazapiAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return endpoint(URI.create(uazapi.baseUrl()));
    }

    private static ProviderEndpoint endpoint(URI base) {
        return new ProviderEndpoint(base, null, new ProviderCredentials.Uazapi(TOKEN, null));
    }

    @AfterEach
    void everyRequestMatchesTheUazapiSpec() {
        uazapi.getAllServeEvents().forEach(event -> SPEC.assertValid(event.getRequest()));
    }

    @Test
    void sendsTextAndReturnsTheWhatsAppMessageId() {
        uazapi.stubFor(post("/send/text").willReturn(okJson(SENT)));

        assertThat(adapter.sendText(endpoint(), "+5511999999999", "hi").providerMessageId())
                .isEqualTo("3EB0538DA65A59F6D8A251");
        uazapi.verify(postRequestedFor(urlPathEqualTo("/send/text"))
                .withHeader("token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"number\": \"5511999999999\", \"text\": \"hi\"}")));
    }

    @Test
    void sendsADocumentWithCaptionAndName() {
        uazapi.stubFor(post("/send/media").willReturn(okJson(SENT)));

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.DOCUMENT,
                URI.create("https://files.example.com/contract.pdf"), "application/pdf", "Here it is", "Contract.pdf"));

        uazapi.verify(postRequestedFor(urlPathEqualTo("/send/media")).withRequestBody(equalToJson("""
                {"number": "5511999999999", "type": "document", "file": "https://files.example.com/contract.pdf",
                 "text": "Here it is", "docName": "Contract.pdf"}""")));
    }

    @Test
    void sendsImageVideoAndAudio() {
        uazapi.stubFor(post("/send/media").willReturn(okJson(SENT)));
        URI url = URI.create("https://files.example.com/m");

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.IMAGE, url, null, "photo", null));
        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.VIDEO, url, null, null, null));
        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.AUDIO, url, "audio/ogg", null, null));

        uazapi.verify(postRequestedFor(urlPathEqualTo("/send/media")).withRequestBody(equalToJson(
                "{\"number\": \"5511999999999\", \"type\": \"image\", \"file\": \"https://files.example.com/m\", \"text\": \"photo\"}")));
        uazapi.verify(postRequestedFor(urlPathEqualTo("/send/media")).withRequestBody(equalToJson(
                "{\"number\": \"5511999999999\", \"type\": \"video\", \"file\": \"https://files.example.com/m\"}")));
        uazapi.verify(postRequestedFor(urlPathEqualTo("/send/media")).withRequestBody(equalToJson(
                "{\"number\": \"5511999999999\", \"type\": \"audio\", \"file\": \"https://files.example.com/m\"}")));
    }

    @Test
    void reportsConnectedFromTheInstanceStatus() {
        // the spec's own example answer of GET /instance/status
        uazapi.stubFor(get("/instance/status").willReturn(okJson("""
                {"instance": {"id": "r183e2ef9597845", "name": "minha-instancia", "status": "connected",
                 "profileName": "Meu WhatsApp", "currentTime": "2024-01-25T12:00:00.000Z"},
                 "status": {"connected": true, "loggedIn": true,
                 "jid": {"user": "5511999999999", "agent": 0, "device": 0, "server": "s.whatsapp.net"}}}""")));

        assertThat(adapter.state(endpoint())).isEqualTo(ConnectionState.connected("Meu WhatsApp", "+5511999999999",
                "Meu WhatsApp"));
    }

    @Test
    void reportsDisconnectedWithTheReason() {
        uazapi.stubFor(get("/instance/status").willReturn(okJson("""
                {"instance": {"status": "disconnected", "lastDisconnectReason": "Network error"},
                 "status": {"connected": false, "loggedIn": false, "jid": null}}""")));

        assertThat(adapter.state(endpoint())).isEqualTo(ConnectionState.disconnected("Network error"));
    }

    @Test
    void reportsConnectingWithTheQrCode() {
        uazapi.stubFor(get("/instance/status").willReturn(okJson("""
                {"instance": {"status": "connecting", "qrcode": "data:image/png;base64,iVBOR"},
                 "status": {"connected": false, "loggedIn": false}}""")));

        assertThat(adapter.state(endpoint())).as("connecting, with the QR code on offer")
                .isEqualTo(ConnectionState.pairing("data:image/png;base64,iVBOR", null));
    }

    @Test
    void rejectsAnInvalidToken() {
        uazapi.stubFor(post("/send/text").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Invalid token\"}")));

        ProviderRejected rejected = catchThrowableOfType(ProviderRejected.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(rejected.httpStatus()).isEqualTo(401);
        assertThat(rejected.providerMessage()).isEqualTo("Invalid token");
        assertThat(rejected.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void rejectsAnInvalidRequest() {
        uazapi.stubFor(post("/send/media").willReturn(aResponse().withStatus(415)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Unsupported media format\"}")));

        assertThatThrownBy(() -> adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(
                MediaMessage.Kind.IMAGE, URI.create("https://files.example.com/x.bmp"), null, null, null)))
                .isInstanceOf(ProviderRejected.class)
                .hasMessageContaining("Unsupported media format");
    }

    @Test
    void treatsItsRateLimitAsRetryable() {
        uazapi.stubFor(post("/send/text").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Rate limit exceeded\"}")));

        assertThat(catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi")).retryAfter())
                .contains(Duration.ofSeconds(12));
    }

    @Test
    void treatsAServerErrorAsRetryable() {
        uazapi.stubFor(post("/send/text").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"Failed to send message\"}")));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderUnavailable.class)
                .hasMessageContaining("Failed to send message");
    }

    @Test
    void treatsASlowAnswerAsRetryable() {
        uazapi.stubFor(get("/instance/status").willReturn(okJson("{}").withFixedDelay(2_000)));

        assertThatThrownBy(() -> adapter.state(endpoint())).isInstanceOf(ProviderUnavailable.class);
    }

    @Test
    void treatsARefusedConnectionAsRetryable() {
        assertThatThrownBy(() -> adapter.sendText(endpoint(ClosedPort.url()), "+5511999999999", "hi"))
                .isInstanceOf(ProviderUnavailable.class)
                .hasMessageContaining("connection refused");
    }
}
