package com.whatpro.hub.providers.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.whatpro.hub.TestOutbound;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEndpoint;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class ProviderHttpTests {

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void readsRetryAfterGivenAsAnHttpDate() {
        server.stubFor(post("/send/text").willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "Sun, 01 Jun 2025 12:02:00 GMT")));
        var http = new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK, ProviderHttp.DEFAULT_MAX_RESPONSE_BYTES,
                Clock.fixed(NOW, ZoneOffset.UTC));
        var adapter = new UazapiAdapter(http, Clock.systemUTC());

        ProviderUnavailable unavailable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(uazapi("token"), "+5511999999999", "hi"));

        assertThat(unavailable.retryAfter()).contains(Duration.ofMinutes(2));
    }

    @Test
    void ignoresARetryAfterTooLongToReadAndCapsAHugeOneAtADay() {
        var http = new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK, ProviderHttp.DEFAULT_MAX_RESPONSE_BYTES,
                Clock.fixed(NOW, ZoneOffset.UTC));
        var adapter = new UazapiAdapter(http, Clock.systemUTC());

        server.stubFor(post("/send/text").willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "99999999999999999999")));
        var unreadable = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(uazapi("token"), "+5511999999999", "hi"));
        server.stubFor(post("/send/text").willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", Long.toString(Long.MAX_VALUE))));
        var huge = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(uazapi("token"), "+5511999999999", "hi"));
        server.stubFor(post("/send/text").willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")));
        var farAway = catchThrowableOfType(ProviderUnavailable.class,
                () -> adapter.sendText(uazapi("token"), "+5511999999999", "hi"));

        assertThat(unreadable.retryAfter()).isEmpty();
        assertThat(huge.retryAfter()).contains(Duration.ofDays(1));
        assertThat(farAway.retryAfter()).contains(Duration.ofDays(1));
    }

    @Test
    void logsNeitherCredentialsNorMessageText() {
        server.stubFor(post("/v23.0/106540352242922/messages")
                .willReturn(okJson("{\"messages\": [{\"id\": \"wamid.1\"}]}")));
        Logger logger = (Logger) LoggerFactory.getLogger(ProviderHttp.class);
        Level before = logger.getLevel();
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        try {
            var adapter = new CloudApiAdapter(new ProviderHttp(ProviderTimeouts.DEFAULT, TestOutbound.LOOPBACK), Clock.systemUTC());
            adapter.sendText(new ProviderEndpoint(URI.create(server.baseUrl()), null,
                    new ProviderCredentials.CloudApi("EAAsecret-token", "app-secret", "verify", "106540352242922")),
                    "+5511999999999", "my private message");
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }

        assertThat(appender.list).isNotEmpty();
        assertThat(appender.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain("EAAsecret-token", "my private message", "5511999999999"));
    }

    private static ProviderEndpoint uazapi(String token) {
        return new ProviderEndpoint(URI.create(server.baseUrl()), null, new ProviderCredentials.Uazapi(token, null));
    }
}
