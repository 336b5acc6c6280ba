package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.DownloadedMedia;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inbound media through Evolution API's "Get Base64 From Media Message"; every request is checked against that
 * request of the v2.3 Postman collection. Answers are shaped as Evolution's source sends them.
 */
class EvolutionMediaTests {

    @RegisterExtension
    static WireMockExtension evolution = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final PostmanCollection COLLECTION = PostmanCollection.evolution();
    private static final String API_KEY = "B6D711FCDE4D4FD5936544120E713976";
    private static final String INSTANCE = "acme sales";
    private static final String PATH = "/chat/getBase64FromMediaMessage/acme%20sales";
    private static final String MESSAGE_ID = "3EB0F4A1F841F02958FB74";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};

    private final EvolutionAdapter adapter = new EvolutionAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return new ProviderEndpoint(URI.create(evolution.baseUrl()), INSTANCE,
                new ProviderCredentials.Evolution(API_KEY, null));
    }

    @AfterEach
    void everyRequestMatchesThePostmanCollection() {
        evolution.getAllServeEvents().forEach(event -> COLLECTION.assertConforms(event.getRequest(),
                "Get Base64 From Media Message", "acme%20sales", Set.of("message")));
    }

    @Test
    void downloadsTheFileByTheMessageId() {
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(201, """
                {"mediaType": "imageMessage", "fileName": "%s.jpeg", "caption": "look",
                 "size": {"fileLength": "%d", "height": 1, "width": 1}, "mimetype": "image/jpeg",
                 "base64": "%s", "buffer": null}""".formatted(MESSAGE_ID, JPEG.length,
                Base64.getEncoder().encodeToString(JPEG)))));

        DownloadedMedia file = adapter.downloadMedia(endpoint(),
                new InboundMessage.Media(null, MESSAGE_ID, "image/jpeg", "look", null), 1024, Duration.ofSeconds(2));

        assertThat(file).isEqualTo(new DownloadedMedia(MESSAGE_ID + ".jpeg", "image/jpeg", JPEG));
        evolution.verify(postRequestedFor(urlPathEqualTo(PATH))
                .withHeader("apikey", equalTo(API_KEY))
                .withRequestBody(equalToJson("""
                        {"message": {"key": {"id": "3EB0F4A1F841F02958FB74"}}, "convertToMp4": false}""")));
    }

    @Test
    void prefersTheDocumentsOwnNameAndTakesADataUri() {
        byte[] pdf = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(201, """
                {"mediaType": "documentMessage", "size": {"fileLength": "9"},
                 "mimetype": "application/pdf", "base64": "data:application/pdf;base64,%s"}"""
                .formatted(Base64.getEncoder().encodeToString(pdf)))));

        DownloadedMedia file = adapter.downloadMedia(endpoint(),
                new InboundMessage.Media(null, MESSAGE_ID, "application/pdf", null, "contract.pdf"), 1024,
                Duration.ofSeconds(2));

        assertThat(file).isEqualTo(new DownloadedMedia("contract.pdf", "application/pdf", pdf));
    }

    @Test
    void refusesAFileLargerThanTheLimit() {
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(201, """
                {"mediaType": "videoMessage", "mimetype": "video/mp4", "base64": "%s"}"""
                .formatted(Base64.getEncoder().encodeToString(new byte[3000])))));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), video(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("larger than the limit of 1000 bytes");
    }

    @Test
    void rejectsAMessageEvolutionHasNotStored() {
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(400, """
                {"status": 400, "error": "Bad Request", "response": {"message": ["Message not found"]}}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), video(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("Message not found");
    }

    @Test
    void rejectsAnAnswerWithoutTheFile() {
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(201, """
                {"mediaType": "videoMessage", "mimetype": "video/mp4"}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), video(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("no file (base64)");
    }

    @Test
    void treatsAServerErrorAsRetryable() {
        evolution.stubFor(post(urlPathEqualTo(PATH)).willReturn(answer(500, """
                {"status": 500, "error": "Internal Server Error", "response": {"message": "Connection Closed"}}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), video(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderUnavailable.class);
    }

    private static InboundMessage.Media video() {
        return new InboundMessage.Media(null, MESSAGE_ID, "video/mp4", null, null);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
