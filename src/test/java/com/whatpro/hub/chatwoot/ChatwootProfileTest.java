package com.whatpro.hub.chatwoot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import com.whatpro.hub.TestOutbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

class ChatwootProfileTest {

    private static final String TOKEN = "user-token-4Qe9fJ2";

    @RegisterExtension
    static WireMockExtension chatwoot = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ChatwootClient client = ChatwootClient.create(
            ChatwootSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)),
            TestOutbound.LOOPBACK, ChatwootClient.DEFAULT_MAX_RESPONSE_BYTES);

    @Test
    void mapsTheProfileWithItsAccountsAndRoles() {
        chatwoot.stubFor(get("/api/v1/profile")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_profile.DERIVED.response.json"))));

        var profile = client.profile(baseUrl(), TOKEN);

        assertThat(profile).isEqualTo(new ChatwootProfile(7, "Pat Example", "pat@example.com", List.of(
                new ChatwootProfile.Account(1, "Acme Support", "administrator"),
                new ChatwootProfile.Account(3, "Pat tests", "agent"))));
        assertThat(profile.accounts()).extracting(ChatwootProfile.Account::administrator).containsExactly(true, false);
        chatwoot.verify(getRequestedFor(urlEqualTo("/api/v1/profile")).withHeader("api_access_token", equalTo(TOKEN)));
        ChatwootContract.applicationApi().assertEveryRequestConforms(chatwoot.getAllServeEvents());
    }

    @Test
    void keepsThePathOfABaseUrlThatHasOne() {
        chatwoot.stubFor(get("/chatwoot/api/v1/profile")
                .willReturn(okJson(ChatwootResources.apiResponse("GET_profile.DERIVED.response.json"))));

        var profile = client.profile(URI.create(chatwoot.baseUrl() + "/chatwoot/"), TOKEN);

        assertThat(profile.id()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void rejectsATokenChatwootRefuses(int status) {
        chatwoot.stubFor(get("/api/v1/profile").willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[\"You need to sign in or sign up before continuing.\"]}")));

        var rejected = catchThrowableOfType(ChatwootRejected.class, () -> client.profile(baseUrl(), TOKEN));

        assertThat(rejected.status()).isEqualTo(status);
        assertThat(rejected).hasMessageNotContaining(TOKEN);
        ChatwootContract.applicationApi().assertEveryRequestConforms(chatwoot.getAllServeEvents());
    }

    @Test
    void rejectsABlankTokenWithoutAskingChatwoot() {
        assertThatThrownBy(() -> client.profile(baseUrl(), " ")).isInstanceOf(ChatwootRejected.class);
        assertThatThrownBy(() -> client.profile(baseUrl(), "token\r\nX-Injected: 1")).isInstanceOf(ChatwootRejected.class);

        assertThat(chatwoot.getAllServeEvents()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429})
    void isUnavailableWhenChatwootFails(int status) {
        chatwoot.stubFor(get("/api/v1/profile").willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> client.profile(baseUrl(), TOKEN))
                .isInstanceOf(ChatwootUnavailable.class)
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void isUnavailableWhenTheConnectionIsRefused() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> client.profile(URI.create("http://127.0.0.1:" + closedPort), TOKEN))
                .isInstanceOf(ChatwootUnavailable.class)
                .satisfies(unavailable -> assertThat(causes(unavailable)).hasAtLeastOneElementOfType(ConnectException.class))
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void isUnavailableWhenChatwootAnswersAfterTheReadTimeout() {
        chatwoot.stubFor(get("/api/v1/profile").willReturn(
                okJson(ChatwootResources.apiResponse("GET_profile.DERIVED.response.json")).withFixedDelay(1_500)));

        assertThatThrownBy(() -> client.profile(baseUrl(), TOKEN))
                .isInstanceOf(ChatwootUnavailable.class)
                .satisfies(unavailable -> assertThat(causes(unavailable)).hasAtLeastOneElementOfType(SocketTimeoutException.class))
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void isUnavailableWhenTheAnswerIsNotChatwoots() {
        chatwoot.stubFor(get("/api/v1/profile").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html>captive portal</html>")));

        assertThatThrownBy(() -> client.profile(baseUrl(), TOKEN)).isInstanceOf(ChatwootUnavailable.class);
    }

    @Test
    void isUnavailableWhenRedirectedElsewhere() {
        chatwoot.stubFor(get("/api/v1/profile").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "https://login.example.com/")));

        assertThatThrownBy(() -> client.profile(baseUrl(), TOKEN)).isInstanceOf(ChatwootUnavailable.class);
    }

    @Test
    void refusesABaseUrlThatIsNotHttp() {
        assertThatThrownBy(() -> client.profile(URI.create("file:///etc/passwd"), TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.profile(URI.create("/relative"), TOKEN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsToTwoSecondsToConnectAndFiveToRead() {
        assertThat(ChatwootSettings.defaults().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ChatwootSettings.defaults().readTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    private static List<Throwable> causes(Throwable thrown) {
        return Stream.iterate(thrown.getCause(), Objects::nonNull, Throwable::getCause).toList();
    }

    private static URI baseUrl() {
        return URI.create(chatwoot.baseUrl());
    }
}
