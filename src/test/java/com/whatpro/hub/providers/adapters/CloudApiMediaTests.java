package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inbound media through Meta's Graph API: {@code GET /{Version}/{Media-ID}} for the file's URL, then
 * {@code GET /{Version}/{Media-URL}} for the file. Every request is checked against Meta's spec.
 */
class CloudApiMediaTests {

    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final SpecValidator SPEC = SpecValidator.cloudApi();
    private static final String TOKEN = "EAAGm0PX4ZCpsBAKZAsecret";
    private static final String PHONE_NUMBER_ID = "106540352242922";
    // the ids of pywa's inbound image and document examples
    private static final String IMAGE_ID = "65463453";
    private static final String DOCUMENT_ID = "1234567890987654321";
    private static final String FILE_PATH = "/v23.0/whatsapp-business-attachment-ATuQ5xFTgJqE";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};

    private final CloudApiAdapter adapter = new CloudApiAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return new ProviderEndpoint(URI.create(graph.baseUrl()), null,
                new ProviderCredentials.CloudApi(TOKEN, "app-secret", "verify-me", PHONE_NUMBER_ID));
    }

    @AfterEach
    void everyRequestMatchesMetasSpec() {
        graph.getAllServeEvents().forEach(event -> SPEC.assertValid(event.getRequest(),
                event.getRequest().getUrl().startsWith(FILE_PATH) ? "downloadMedia" : "retrieveMediaUrl"));
    }

    @Test
    void downloadsTheFileGraphPointsToWithTheBearerToken() {
        describe(IMAGE_ID, "image/jpeg", JPEG.length, fileUrl());
        graph.stubFor(get(urlPathEqualTo(FILE_PATH)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));

        DownloadedMedia file = adapter.downloadMedia(endpoint(), image(), 1024, Duration.ofSeconds(2));

        assertThat(file.content()).isEqualTo(JPEG);
        assertThat(file.mimeType()).isEqualTo("image/jpeg");
        assertThat(file.fileName()).isEqualTo(IMAGE_ID + ".jpg");
        graph.verify(getRequestedFor(urlPathEqualTo("/v23.0/" + IMAGE_ID))
                .withQueryParam("phone_number_id", equalTo(PHONE_NUMBER_ID))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        graph.verify(getRequestedFor(urlPathEqualTo(FILE_PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void keepsTheDocumentsFileNameAndGraphsType() {
        byte[] pdf = "%PDF-1.4\n%âãÏÓ\n1 0 obj\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        describe(DOCUMENT_ID, "application/pdf", pdf.length, fileUrl());
        graph.stubFor(get(urlPathEqualTo(FILE_PATH)).willReturn(aResponse()
                .withHeader("Content-Type", "application/octet-stream").withBody(pdf)));

        DownloadedMedia file = adapter.downloadMedia(endpoint(),
                new InboundMessage.Media(null, DOCUMENT_ID, "application/pdf", "caption", "filename.pdf"), 1024,
                Duration.ofSeconds(2));

        assertThat(file).isEqualTo(new DownloadedMedia("filename.pdf", "application/pdf", pdf));
    }

    @Test
    void refusesAFileGraphSaysIsLargerThanTheLimitWithoutDownloadingIt() {
        describe(IMAGE_ID, "image/jpeg", 5_000_000, fileUrl());

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), image(), 1_000_000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("larger than the limit");
        graph.verify(0, getRequestedFor(urlPathEqualTo(FILE_PATH)));
    }

    @Test
    void refusesAFileLargerThanTheLimitAsItArrives() {
        graph.stubFor(get(urlPathEqualTo("/v23.0/" + IMAGE_ID)).willReturn(okJson("""
                {"messaging_product": "whatsapp", "url": "%s", "mime_type": "image/jpeg", "sha256": "4654+8g=",
                 "id": "%s"}""".formatted(fileUrl(), IMAGE_ID))));
        graph.stubFor(get(urlPathEqualTo(FILE_PATH)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(new byte[4096])
                .withChunkedDribbleDelay(4, 40)));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), image(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("larger than the limit of 1000 bytes");
    }

    @Test
    void givesUpOnAFileThatTakesLongerThanTheTimeoutAsRetryable() {
        describe(IMAGE_ID, "image/jpeg", 4096, fileUrl());
        graph.stubFor(get(urlPathEqualTo(FILE_PATH)).willReturn(aResponse()
                .withHeader("Content-Type", "image/jpeg").withBody(new byte[4096])
                .withChunkedDribbleDelay(8, 3000)));
        long started = System.nanoTime();

        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.downloadMedia(endpoint(), image(), 1_000_000, Duration.ofMillis(600)));

        assertThat(unavailable.retryable()).isTrue();
        assertThat(unavailable.getMessage()).contains("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void treatsAGraphServerErrorAsRetryable() {
        graph.stubFor(get(urlPathEqualTo("/v23.0/" + IMAGE_ID)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "Service temporarily unavailable", "type": "OAuthException",
                         "code": 2, "fbtrace_id": "A1b2C3"}}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), image(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderUnavailable.class);
    }

    @Test
    void rejectsAnUnknownMediaIdWithoutRepeatingTheToken() {
        graph.stubFor(get(urlPathEqualTo("/v23.0/" + IMAGE_ID)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "Unsupported get request. Object with ID '65463453' does not exist",
                         "type": "GraphMethodException", "code": 100, "error_subcode": 33,
                         "fbtrace_id": "A1b2C3"}}""")));

        ProviderRejected rejected = catchThrowableOfType(ProviderRejected.class,
                () -> adapter.downloadMedia(endpoint(), image(), 1000, Duration.ofSeconds(2)));

        assertThat(rejected.providerCode()).isEqualTo("100");
        assertThat(rejected.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void rejectsAnAnswerWithoutAFileUrl() {
        graph.stubFor(get(urlPathEqualTo("/v23.0/" + IMAGE_ID)).willReturn(okJson("""
                {"messaging_product": "whatsapp", "mime_type": "image/jpeg", "id": "65463453"}""")));

        assertThatThrownBy(() -> adapter.downloadMedia(endpoint(), image(), 1000, Duration.ofSeconds(2)))
                .isInstanceOf(ProviderRejected.class).hasMessageContaining("file URL");
    }

    @Test
    void sendsTheTokenOverPlainHttpOnlyWhenGraphItselfIsReachedSo() {
        var https = ProviderEndpoint.cloudApi(
                new ProviderCredentials.CloudApi(TOKEN, "app-secret", "verify-me", PHONE_NUMBER_ID));

        assertThat(CloudApiAdapter.fileUrl(https, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"))
                .hasHost("lookaside.fbsbx.com");
        assertThatThrownBy(() -> CloudApiAdapter.fileUrl(https, "http://lookaside.fbsbx.com/attachments/?mid=1"))
                .isInstanceOf(ProviderRejected.class);
        assertThatThrownBy(() -> CloudApiAdapter.fileUrl(https, "/relative/path"))
                .isInstanceOf(ProviderRejected.class);
        assertThat(CloudApiAdapter.fileUrl(endpoint(), graph.baseUrl() + "/file")).hasScheme("http");
    }

    private static InboundMessage.Media image() {
        return new InboundMessage.Media(null, IMAGE_ID, "image/jpeg", null, null);
    }

    /** Where Graph says the file is: the spec has it as {@code /{Version}/{Media-URL}}. */
    private static String fileUrl() {
        return graph.baseUrl() + FILE_PATH;
    }

    /** Graph's answer to {@code GET /{Version}/{Media-ID}}, as the spec's example has it. */
    private static void describe(String mediaId, String mimeType, long size, String url) {
        graph.stubFor(get(urlPathEqualTo("/v23.0/" + mediaId)).willReturn(okJson("""
                {"messaging_product": "whatsapp", "url": "%s", "mime_type": "%s", "sha256": "<HASH>",
                 "file_size": "%d", "id": "%s"}""".formatted(url, mimeType, size, mediaId))));
    }
}
