package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.providers.DownloadedMedia;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inbound media through uazapi's {@code POST /message/download}; every request is checked against the uazapi spec. */
class UazapiMediaTests {

    @RegisterExtension
    static WireMockExtension uazapi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final SpecValidator SPEC = SpecValidator.uazapi();
    private static final String TOKEN = "5c1f7e2a-instance-token";
    private static final String MESSAGE_ID = "7EB0F01D7244B421048F0706368376E0";
    private static final byte[] OGG = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0};

    private final UazapiAdapter adapter = new UazapiAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return new ProviderEndpoint(URI.create(uazapi.baseUrl()), null, new ProviderCredentials.Uazapi(TOKEN, null));
    }

    @AfterEach
    void everyRequestToTheApiMatchesTheUazapiSpec() {
        uazapi.getAllServeEvents().stream().filter(event -> event.getRequest().getUrl().startsWith("/message/"))
                .forEach(event -> SPEC.assertValid(event.getRequest()));
    }

    @Test
    void downloadsTheFileInBase64WithoutAStoredCopy() {
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(200, """
                {"mimetype": "audio/ogg; codecs=opus", "base64Data": "%s"}"""
                .formatted(Base64.getEncoder().encodeToString(OGG)))));

        DownloadedMedia file = adapter.downloadMedia(endpoint(), voiceNote(), 1024, Duration.ofSeconds(2));

        assertThat(file).isEqualTo(new DownloadedMedia(MESSAGE_ID + ".ogg", "audio/ogg", OGG));
        uazapi.verify(postRequestedFor(urlPathEqualTo("/message/download"))
                .withHeader("token", equalTo(TOKEN))
                .withRequestBody(equalToJson("""
                        {"id": "7EB0F01D7244B421048F0706368376E0", "return_base64": true, "return_link": false,
                         "generate_mp3": false}""")));
    }

    @Test
    void downloadsFromTheFileUrlWhenTheAnswerHasOnlyThat() {
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(200, """
                {"fileURL": "%s/files/%s.ogg", "mimetype": "audio/ogg"}""".formatted(uazapi.baseUrl(), MESSAGE_ID))));
        uazapi.stubFor(get(urlPathEqualTo("/files/" + MESSAGE_ID + ".ogg")).willReturn(aResponse()
                .withHeader("Content-Type", "audio/ogg").withBody(OGG)));

        DownloadedMedia file = adapter.downloadMedia(endpoint(), voiceNote(), 1024, Duration.ofSeconds(2));

        assertThat(file.content()).isEqualTo(OGG);
        uazapi.verify(getRequestedFor(urlPathEqualTo("/files/" + MESSAGE_ID + ".ogg")).withoutHeader("token"));
    }

    @Test
    void neverFetchesAFileUrlTheOutboundPolicyRefuses() {
        // only the provider's own host:port is open; its answer names a file on a loopback address that is not
        var onlyTheProvider = new UazapiAdapter(new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(2)), OutboundPolicy.allowing("localhost:" + uazapi.getPort())), Clock.systemUTC());
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(200, """
                {"fileURL": "http://127.0.0.1:%d/files/%s.ogg", "mimetype": "audio/ogg"}"""
                .formatted(uazapi.getPort(), MESSAGE_ID))));
        uazapi.stubFor(get(urlPathEqualTo("/files/" + MESSAGE_ID + ".ogg")).willReturn(aResponse()
                .withHeader("Content-Type", "audio/ogg").withBody(OGG)));

        assertThatThrownBy(() -> onlyTheProvider.downloadMedia(endpoint(), voiceNote(), 1024, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("outbound policy")
                .hasMessageContaining("loopback");
        uazapi.verify(0, getRequestedFor(urlPathEqualTo("/files/" + MESSAGE_ID + ".ogg")));
        uazapi.verify(1, postRequestedFor(urlPathEqualTo("/message/download")));
    }

    @Test
    void refusesAFileLargerThanTheLimit() {
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(200, """
                {"mimetype": "audio/ogg", "base64Data": "%s"}"""
                .formatted(Base64.getEncoder().encodeToString(new byte[1001])))));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), voiceNote(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("larger than the limit of 1000 bytes");
    }

    @Test
    void rejectsAMessageUazapiDoesNotKnow() {
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(404, """
                {"error": "Message not found"}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), voiceNote(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("Message not found");
    }

    @Test
    void treatsAFailedDownloadAtUazapiAsRetryable() {
        uazapi.stubFor(post(urlPathEqualTo("/message/download")).willReturn(answer(500, """
                {"error": "Failed to download media"}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), voiceNote(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderUnavailable.class);
    }

    private static InboundMessage.Media voiceNote() {
        return new InboundMessage.Media(null, MESSAGE_ID, "audio/ogg; codecs=opus", null, null);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
