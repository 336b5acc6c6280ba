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
import com.whatpro.hub.providers.SendResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Cloud API adapter against a WireMock Graph API; every request it sends is checked against Meta's spec. */
class CloudApiAdapterTests {

    @RegisterExtension
    static WireMockExtension graph = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final SpecValidator SPEC = SpecValidator.cloudApi();
    private static final String TOKEN = "EAAGm0PX4ZCpsBAKZAsecret";
    private static final String MESSAGES = "/v23.0/106540352242922/messages";
    private static final String SENT = """
            {"messaging_product": "whatsapp",
             "contacts": [{"input": "5511999999999", "wa_id": "5511999999999"}],
             "messages": [{"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4"}]}""";

    private final CloudApiAdapter adapter = new CloudApiAdapter(
            new ProviderHttp(new ProviderTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)), TestOutbound.LOOPBACK), Clock.systemUTC());

    private ProviderEndpoint endpoint() {
        return new ProviderEndpoint(URI.create(graph.baseUrl()), null,
                new ProviderCredentials.CloudApi(TOKEN, "app-secret", "verify-me", "106540352242922"));
    }

    @AfterEach
    void everyRequestMatchesMetasSpec() {
        graph.getAllServeEvents().forEach(event -> SPEC.assertValid(event.getRequest()));
    }

    @Test
    void sendsTextAndReturnsTheMessageId() {
        graph.stubFor(post(MESSAGES).willReturn(okJson(SENT)));

        SendResult result = adapter.sendText(endpoint(), "+55 11 99999-9999", "Olá!");

        assertThat(result.providerMessageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4");
        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511999999999",
                         "type": "text", "text": {"body": "Olá!", "preview_url": false}}""")));
    }

    @Test
    void asksForLinkPreviewsWhenTheTextHasALink() {
        graph.stubFor(post(MESSAGES).willReturn(okJson(SENT)));

        adapter.sendText(endpoint(), "+5511999999999", "see https://example.com/offer");

        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES))
                .withRequestBody(equalToJson("{\"text\": {\"preview_url\": true}}", false, true)));
    }

    @Test
    void sendsADocumentByLinkWithCaptionAndFileName() {
        graph.stubFor(post(MESSAGES).willReturn(okJson(SENT)));

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.DOCUMENT,
                URI.create("https://files.example.com/invoice-42.pdf"), "application/pdf", "Your invoice",
                "invoice-42.pdf"));

        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(equalToJson("""
                {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "5511999999999",
                 "type": "document", "document": {"link": "https://files.example.com/invoice-42.pdf",
                 "caption": "Your invoice", "filename": "invoice-42.pdf"}}""")));
    }

    @Test
    void sendsImageVideoAndAudioByLink() {
        graph.stubFor(post(MESSAGES).willReturn(okJson(SENT)));
        URI url = URI.create("https://files.example.com/media");

        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.IMAGE, url, null, "look", null));
        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.VIDEO, url, null, "watch", "v.mp4"));
        adapter.sendMedia(endpoint(), "+5511999999999", new MediaMessage(MediaMessage.Kind.AUDIO, url, null, "no caption", null));

        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(equalToJson(
                "{\"type\": \"image\", \"image\": {\"link\": \"https://files.example.com/media\", \"caption\": \"look\"}}",
                false, true)));
        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(equalToJson(
                "{\"type\": \"video\", \"video\": {\"link\": \"https://files.example.com/media\", \"caption\": \"watch\"}}",
                false, true)));
        graph.verify(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(equalToJson(
                "{\"type\": \"audio\", \"audio\": {\"link\": \"https://files.example.com/media\"}}", false, true)));
    }

    @Test
    void reportsConnectedWhenThePhoneNumberAnswers() {
        graph.stubFor(get("/v23.0/106540352242922").willReturn(okJson("""
                {"id": "106540352242922", "display_phone_number": "+1 555-078-3881",
                 "verified_name": "Jaspers Market", "quality_rating": "GREEN"}""")));

        assertThat(adapter.state(endpoint()))
                .isEqualTo(ConnectionState.connected("+1 555-078-3881 (quality GREEN)"));
    }

    @Test
    void rejectsAnExpiredTokenWithoutRepeatingIt() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "Error validating access token: Session has expired.",
                         "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "A1b2C3"}}""")));

        ProviderRejected rejected = catchThrowableOfType(ProviderRejected.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(rejected.retryable()).isFalse();
        assertThat(rejected.httpStatus()).isEqualTo(401);
        assertThat(rejected.providerCode()).isEqualTo("190");
        assertThat(rejected.providerMessage()).contains("Session has expired");
        assertThat(rejected.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void rejectsARecipientMetaRefuses() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100,
                         "error_data": {"messaging_product": "whatsapp", "details": "Invalid parameter"}}}""")));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderRejected.class)
                .hasMessageContaining("code 100");
    }

    @Test
    void treatsTheThroughputLimitAsRetryableWithItsRetryAfter() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(400).withHeader("Retry-After", "30")
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429,
                         "error_data": {"messaging_product": "whatsapp",
                         "details": "Cloud API message throughput has been reached."}}}""")));

        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(unavailable.retryable()).isTrue();
        assertThat(unavailable.providerCode()).isEqualTo("130429");
        assertThat(unavailable.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void treatsThePairRateLimitAsRetryable() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                         "type": "OAuthException", "code": 131056}}""")));

        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(unavailable.providerCode()).isEqualTo("131056");
        assertThat(unavailable.retryAfter()).isEmpty();
    }

    @Test
    void treatsTooManyRequestsAsRetryable() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));

        assertThat(catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi")).retryAfter())
                .contains(Duration.ofSeconds(5));
    }

    @Test
    void treatsAServerErrorAsRetryable() {
        graph.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(500).withBody("<html>oops</html>")));

        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(endpoint(), "+5511999999999", "hi"));

        assertThat(unavailable.httpStatus()).isEqualTo(500);
    }

    @Test
    void treatsASlowAnswerAsRetryable() {
        graph.stubFor(post(MESSAGES).willReturn(okJson(SENT).withFixedDelay(2_000)));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderUnavailable.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void failsWhenTheAnswerHasNoMessageIdRatherThanSendingTwice() {
        graph.stubFor(post(MESSAGES).willReturn(okJson("{\"messaging_product\": \"whatsapp\"}")));

        assertThatThrownBy(() -> adapter.sendText(endpoint(), "+5511999999999", "hi"))
                .isInstanceOf(ProviderRejected.class);
    }
}
