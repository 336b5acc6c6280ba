package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.whatpro.hub.platform.AccountId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Inbound media files are fetched a few at a time per node, so their memory stays bounded, and one account holds no
 * more than its share of the slots. A job finding no slot is postponed, which is not a failure.
 */
class MediaDownloadSlotsTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    static final AccountId ONE = AccountId.of(1);
    static final AccountId TWO = AccountId.of(2);

    @Test
    void anAccountHoldingItsShareIsPostponedWhileAnotherAccountGetsTheFreeSlot() throws Exception {
        var media = media(2, 0);
        var holding = hold(media, ONE);

        var postponed = catchThrowableOfType(JobFailure.NotYet.class,
                () -> media.holdingADownloadSlot(ONE, () -> "second of one"));
        assertThat(media.holdingADownloadSlot(TWO, () -> "two")).isEqualTo("two");

        assertThat(postponed.at()).isBetween(NOW.plus(InboundMedia.SLOT_RETRY),
                NOW.plus(InboundMedia.SLOT_RETRY.multipliedBy(2)));
        holding.release().countDown();
        assertThat(holding.done().get(5, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(media.holdingADownloadSlot(ONE, () -> "second of one")).isEqualTo("second of one");
    }

    @Test
    void whenEverySlotIsBusyAJobIsPostponedNotFailedAndGetsTheSlotOnceFree() throws Exception {
        var media = media(1, 0);
        var holding = hold(media, ONE);

        var started = System.nanoTime();
        assertThatThrownBy(() -> media.holdingADownloadSlot(TWO, () -> "two"))
                .isInstanceOf(JobFailure.NotYet.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it waited a moment for the slot")
                .isGreaterThanOrEqualTo(InboundMedia.SLOT_WAIT.minusMillis(50));

        holding.release().countDown();
        assertThat(holding.done().get(5, TimeUnit.SECONDS)).isEqualTo("held");
        assertThat(media.holdingADownloadSlot(TWO, () -> "two")).isEqualTo("two");
    }

    @Test
    void aFailedFetchFreesItsSlotAndTheAccountsShare() {
        var media = media(1, 0);
        assertThatThrownBy(() -> media.holdingADownloadSlot(ONE, () -> {
            throw new IllegalStateException("the provider said no");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(media.holdingADownloadSlot(ONE, () -> "next")).isEqualTo("next");
    }

    @Test
    void anAccountsShareIsHalfTheSlotsAtLeastOneUnlessSet() {
        assertThat(settings(4, 0).mediaDownloadSlotsPerAccount()).isEqualTo(2);
        assertThat(settings(5, 0).mediaDownloadSlotsPerAccount()).isEqualTo(2);
        assertThat(settings(2, 0).mediaDownloadSlotsPerAccount()).isEqualTo(1);
        assertThat(settings(1, 0).mediaDownloadSlotsPerAccount()).isEqualTo(1);
        assertThat(settings(0, 0).mediaDownloadSlotsPerAccount()).isEqualTo(1);
        assertThat(settings(4, 3).mediaDownloadSlotsPerAccount()).isEqualTo(3);
        assertThat(settings(4, 9).mediaDownloadSlotsPerAccount()).isEqualTo(4);
    }

    private record Holding(CountDownLatch release, CompletableFuture<String> done) {
    }

    /** A fetch of {@code account} that holds its slot until released. */
    private static Holding hold(InboundMedia media, AccountId account) throws InterruptedException {
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var done = CompletableFuture.supplyAsync(() -> media.holdingADownloadSlot(account, () -> {
            holding.countDown();
            await(release);
            return "held";
        }));
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        return new Holding(release, done);
    }

    private static InboundMedia media(int slots, int perAccount) {
        return new InboundMedia(null, null, settings(slots, perAccount), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static GatewaySettings settings(int slots, int perAccount) {
        return new GatewaySettings(
                new GatewaySettings.Worker(true, Duration.ofSeconds(2), 50, 16, 8, Duration.ofSeconds(2),
                        Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofSeconds(10),
                        8),
                new GatewaySettings.Pacing(80, Duration.ofSeconds(6), 20, Duration.ZERO, 20, Duration.ZERO,
                        Duration.ofSeconds(1)),
                Duration.ofSeconds(5), Duration.ofDays(7), DataSize.ofMegabytes(16), Duration.ofSeconds(10), slots,
                perAccount);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
