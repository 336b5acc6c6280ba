package com.whatpro.hub.providers;

import static com.whatpro.hub.providers.MessageStatus.DELIVERED;
import static com.whatpro.hub.providers.MessageStatus.FAILED;
import static com.whatpro.hub.providers.MessageStatus.PENDING;
import static com.whatpro.hub.providers.MessageStatus.READ;
import static com.whatpro.hub.providers.MessageStatus.SENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class MessageStatusTests {

    @Test
    void movesForwardAlongTheWay() {
        assertThat(PENDING.canMoveTo(SENT)).isTrue();
        assertThat(SENT.canMoveTo(DELIVERED)).isTrue();
        assertThat(DELIVERED.canMoveTo(READ)).isTrue();
    }

    @Test
    void skipsStepsThatArriveLateOrNever() {
        assertThat(SENT.canMoveTo(READ)).isTrue();
        assertThat(PENDING.canMoveTo(DELIVERED)).isTrue();
    }

    @Test
    void doesNotRegressReadToDelivered() {
        assertThat(READ.canMoveTo(DELIVERED)).isFalse();
        assertThat(READ.canMoveTo(SENT)).isFalse();
        assertThat(DELIVERED.canMoveTo(SENT)).isFalse();
    }

    @Test
    void treatsARepeatedStatusAsNoMove() {
        Arrays.stream(MessageStatus.values()).forEach(status -> assertThat(status.canMoveTo(status)).isFalse());
    }

    @Test
    void canFailUntilRead() {
        assertThat(PENDING.canMoveTo(FAILED)).isTrue();
        assertThat(SENT.canMoveTo(FAILED)).isTrue();
        assertThat(DELIVERED.canMoveTo(FAILED)).isTrue();
        assertThat(READ.canMoveTo(FAILED)).isFalse();
    }

    @Test
    void keepsFailedTerminal() {
        Arrays.stream(MessageStatus.values()).forEach(status -> assertThat(FAILED.canMoveTo(status)).isFalse());
        assertThat(FAILED.isTerminal()).isTrue();
    }

    @Test
    void writesLowerCaseJson() {
        assertThat(JsonMapper.builder().build().writeValueAsString(DELIVERED)).isEqualTo("\"delivered\"");
    }
}
