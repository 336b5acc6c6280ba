package com.whatpro.hub.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConstantTimeTests {

    @Test
    void comparesSecrets() {
        assertThat(ConstantTime.equals("token", "token")).isTrue();
        assertThat(ConstantTime.equals("token", "tokem")).isFalse();
        assertThat(ConstantTime.equals("token", "token2")).isFalse();
        assertThat(ConstantTime.equals(null, "token")).isFalse();
        assertThat(ConstantTime.equals("token", null)).isFalse();
    }
}
