package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.gateway.ChatwootStatuses.Delivery;
import com.whatpro.hub.gateway.ChatwootStatuses.Shown;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What Chatwoot is told of a delivery, and when it is told something new. */
class ChatwootStatusRulesTest {

    @Test
    void aMessageOfSeveralPartsShowsItsLeastAdvancedPart() {
        assertThat(Delivery.of(parts("read", "delivered", "read"))).contains(new Delivery(Shown.DELIVERED, null));
        assertThat(Delivery.of(parts("read", "read"))).contains(new Delivery(Shown.READ, null));
        assertThat(Delivery.of(parts("delivered", "sent"))).contains(new Delivery(Shown.SENT, null));
    }

    @Test
    void onePartFailingFailsTheMessageWithThatPartsError() {
        var parts = List.of(part("read", null, null), part("failed", "131026", "Message undeliverable"));

        var delivery = Delivery.of(parts).orElseThrow();

        assertThat(delivery.shown()).isEqualTo(Shown.FAILED);
        assertThat(delivery.externalError()).isEqualTo("Message undeliverable");
        assertThat(delivery.note()).contains("This message was not delivered on WhatsApp: Message undeliverable");
    }

    @Test
    void aFailureWithoutExplanationSaysWhatItHas() {
        assertThat(Delivery.of(List.of(part("failed", "470", null))).orElseThrow().externalError())
                .isEqualTo("error 470");
        assertThat(Delivery.of(List.of(part("failed", null, null))).orElseThrow().externalError())
                .isEqualTo("no reason given");
    }

    @Test
    void aDeadLetterShowsFailedForNow() {
        var delivery = Delivery.of(List.of(part("pending", Sender.UNDELIVERED, "gave up after 8 attempts")))
                .orElseThrow();

        assertThat(delivery.shown()).isEqualTo(Shown.UNDELIVERED);
        assertThat(delivery.shown().chatwoot().wireName()).isEqualTo("failed");
        assertThat(delivery.externalError()).isEqualTo("Not sent yet: gave up after 8 attempts");
        assertThat(delivery.note()).contains("This message has not reached WhatsApp yet: gave up after 8 attempts");
    }

    @Test
    void nothingIsToldOfAMessageNotOutYetOrReceived() {
        assertThat(Delivery.of(parts("sent", "pending"))).isEmpty();
        assertThat(Delivery.of(parts("received"))).isEmpty();
    }

    @Test
    void chatwootMovesOnlyForward() {
        assertThat(Shown.of(null)).isEqualTo(Shown.SENT);
        assertThat(Shown.SENT.mayBecome(Shown.SENT)).isFalse();
        assertThat(Shown.SENT.mayBecome(Shown.DELIVERED)).isTrue();
        assertThat(Shown.DELIVERED.mayBecome(Shown.READ)).isTrue();
        assertThat(Shown.DELIVERED.mayBecome(Shown.FAILED)).isTrue();
        assertThat(Shown.READ.mayBecome(Shown.DELIVERED)).isFalse();
        assertThat(Shown.DELIVERED.mayBecome(Shown.SENT)).isFalse();
        assertThat(Shown.DELIVERED.mayBecome(Shown.UNDELIVERED)).isFalse();
        assertThat(Shown.READ.mayBecome(Shown.FAILED)).isFalse();
        assertThat(Shown.FAILED.mayBecome(Shown.DELIVERED)).isFalse();
    }

    @Test
    void aReplayedDeadLetterGoesBackToSent() {
        assertThat(Shown.SENT.mayBecome(Shown.UNDELIVERED)).isTrue();
        assertThat(Shown.UNDELIVERED.mayBecome(Shown.SENT)).isTrue();
        assertThat(Shown.UNDELIVERED.mayBecome(Shown.READ)).isTrue();
        assertThat(Shown.of("undelivered")).isEqualTo(Shown.UNDELIVERED);
    }

    private static List<Messages.InChatwoot> parts(String... statuses) {
        return Arrays.stream(statuses).map(status -> part(status, null, null)).toList();
    }

    private static Messages.InChatwoot part(String status, @Nullable String code, @Nullable String message) {
        return new Messages.InChatwoot(UUID.randomUUID(), status, code, message, 7, 9, null);
    }
}
