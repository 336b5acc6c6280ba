package com.whatpro.hub.chatwoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.platform.outbound.OutboundSettings;

class ChatwootConfigurationTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(ChatwootConfiguration.class)
                    .withBean(OutboundPolicy.class, OutboundPolicy::strict)
                    .withBean(OutboundSettings.class, () -> new OutboundSettings(List.of(), DataSize.ofMegabytes(4)));

    @Test
    void providesTheClientAndTheWebhookIntakeWithDefaultTimeouts() {
        context.run(beans -> {
            assertThat(beans).hasSingleBean(ChatwootClient.class).hasSingleBean(ChatwootWebhooks.class);
            assertThat(beans.getBean(ChatwootSettings.class))
                    .isEqualTo(new ChatwootSettings(null, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        });
    }

    @Test
    void bindsTheSettingsFromTheEnvironment() {
        context.withPropertyValues(
                        "whatpro.chatwoot.url=https://chat.example.com",
                        "whatpro.chatwoot.connect-timeout=1s",
                        "whatpro.chatwoot.read-timeout=10s")
                .run(beans -> assertThat(beans.getBean(ChatwootSettings.class)).isEqualTo(new ChatwootSettings(
                        URI.create("https://chat.example.com"), Duration.ofSeconds(1), Duration.ofSeconds(10))));
    }

    @Test
    void checksSignaturesAgainstTheApplicationsClock() {
        var longAgo = Clock.fixed(Instant.ofEpochSecond(1_000_000_000), ZoneOffset.UTC);
        var delivery = new ChatwootDelivery("a1b2", "1750000000",
                "sha256=3d035fdb1174c6bd4d5f60b51c67cb2845f724eb37b2aa76cd7ce6b6dae7f064");

        context.withBean(Clock.class, () -> longAgo).run(beans -> {
            var webhooks = beans.getBean(ChatwootWebhooks.class);
            var body = ChatwootResources.webhook("contact_created.json");

            assertThat(catchThrowableOfType(InvalidWebhookSignature.class,
                    () -> webhooks.verify(delivery, body, "chatwoot-webhook-secret")).reason())
                    .isEqualTo(InvalidWebhookSignature.Reason.STALE);
        });
    }
}
