package com.whatpro.hub.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRingTests {

    private static final String KEY = KeyRing.newBase64Key();

    @Test
    void refusesKeysThatAreNot32Bytes() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> KeyRing.single("k1", short16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> KeyRing.single("k1", "not base64!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64");
    }

    @Test
    void requiresTheActiveKeyAmongTheKeys() {
        assertThatThrownBy(() -> KeyRing.of("k2", Map.of("k1", KEY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k2'");
    }

    @Test
    void refusesKeyIdsThatWouldBreakTheFormat() {
        assertThatThrownBy(() -> KeyRing.single("k:1", KEY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyRing.single("", KEY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void derivesStableIdsFromKeys() {
        String older = KeyRing.newBase64Key();
        KeyRing ring = KeyRing.fromKeys(KEY, older);

        assertThat(ring.activeKeyId()).isEqualTo(KeyRing.fingerprint(KEY)).matches("k[0-9a-f]{12}");
        assertThat(ring.keyIds()).containsExactlyInAnyOrder(KeyRing.fingerprint(KEY), KeyRing.fingerprint(older));
    }

    @Test
    void neverShowsKeysInToString() {
        assertThat(KeyRing.single("k1", KEY).toString()).isEqualTo("KeyRing[active=k1, keys=[k1]]");
    }
}
