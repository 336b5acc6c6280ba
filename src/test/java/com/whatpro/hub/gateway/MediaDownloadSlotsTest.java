package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Inbound media files are fetched and posted a few at a time per node, so their memory stays bounded. */
class MediaDownloadSlotsTest {

    private final InboundMedia media = new InboundMedia(null, null, new GatewaySettings(
            new GatewaySettings.Worker(true, Duration.ofSeconds(2), 50, 16, 8, Duration.ofSeconds(2),
                    Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofSeconds(10), 8),
            new GatewaySettings.Pacing(80, Duration.ofSeconds(6), 20, Duration.ZERO, 20, Duration.ZERO,
                    Duration.ofSeconds(1)),
            Duration.ofSeconds(5), Duration.ofDays(7), DataSize.ofMegabytes(16), Duration.ofMillis(200), 1));

    @Test
    void aSecondFileWaitsForTheSlotAndTriesAgainLaterWhenItStaysBusy() throws Exception {
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var first = CompletableFuture.supplyAsync(() -> media.holdingADownloadSlot(() -> {
            holding.countDown();
            await(release);
            return "first";
        }));
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> media.holdingADownloadSlot(() -> "second"))
                .isInstanceOf(JobFailure.RetryLater.class).hasMessageContaining("busy");

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(media.holdingADownloadSlot(() -> "second")).isEqualTo("second");
    }

    @Test
    void aFailedPostFreesItsSlot() {
        assertThatThrownBy(() -> media.holdingADownloadSlot(() -> {
            throw new IllegalStateException("Chatwoot said no");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(media.holdingADownloadSlot(() -> "next")).isEqualTo("next");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
