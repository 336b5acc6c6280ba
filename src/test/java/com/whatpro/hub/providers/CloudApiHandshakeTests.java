package com.whatpro.hub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloudApiHandshakeTests {

    @Test
    void echoesTheChallengeToWhoKnowsTheVerifyToken() {
        assertThat(CloudApiHandshake.challenge("subscribe", "my-verify-token", "1158201444", "my-verify-token"))
                .contains("1158201444");
    }

    @Test
    void answersNothingForAWrongToken() {
        assertThat(CloudApiHandshake.challenge("subscribe", "guess", "1158201444", "my-verify-token")).isEmpty();
        assertThat(CloudApiHandshake.challenge("subscribe", null, "1158201444", "my-verify-token")).isEmpty();
    }

    @Test
    void answersNothingForAnotherModeOrNoChallenge() {
        assertThat(CloudApiHandshake.challenge("unsubscribe", "my-verify-token", "1158201444", "my-verify-token"))
                .isEmpty();
        assertThat(CloudApiHandshake.challenge(null, "my-verify-token", "1158201444", "my-verify-token")).isEmpty();
        assertThat(CloudApiHandshake.challenge("subscribe", "my-verify-token", null, "my-verify-token")).isEmpty();
    }

    @Test
    void doesNotEchoMarkup() {
        assertThat(CloudApiHandshake.challenge("subscribe", "t", "<script>alert(1)</script>", "t")).isEmpty();
    }

    @Test
    void answersNothingWhenNoVerifyTokenIsConfigured() {
        assertThat(CloudApiHandshake.challenge("subscribe", "", "1158201444", "")).isEmpty();
    }
}
