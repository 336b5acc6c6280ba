package com.whatpro.hub.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialCipherTests {

    private static final String KEY_1 = KeyRing.newBase64Key();
    private static final String KEY_2 = KeyRing.newBase64Key();
    private static final String ROW = "account:42/provider:0191d2c4-7b3a-7f00-9c1e-5a6b7c8d9e0f";

    private final CredentialCipher cipher = new CredentialCipher(KeyRing.single("k1", KEY_1));

    @Test
    void decryptsWhatItEncrypted() {
        String stored = cipher.encrypt("{\"apiKey\": \"B6D711FCDE4D\"}", ROW);

        assertThat(cipher.decrypt(stored, ROW)).isEqualTo("{\"apiKey\": \"B6D711FCDE4D\"}");
    }

    @Test
    void writesAVersionedValueThatNamesItsKey() {
        String stored = cipher.encrypt("secret", ROW);

        assertThat(stored).startsWith("v1:k1:").doesNotContain("secret");
        byte[] payload = Base64.getDecoder().decode(stored.substring("v1:k1:".length()));
        assertThat(payload).hasSize(12 + "secret".length() + 16); // nonce | ciphertext | tag
    }

    @Test
    void usesAFreshNonceEachTime() {
        assertThat(cipher.encrypt("secret", ROW)).isNotEqualTo(cipher.encrypt("secret", ROW));
    }

    @Test
    void refusesAValueMovedToAnotherRow() {
        String stored = cipher.encrypt("secret", ROW);

        assertThatThrownBy(() -> cipher.decrypt(stored, "account:43/provider:0191d2c4-7b3a-7f00-9c1e-5a6b7c8d9e0f"))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("belongs to another record");
    }

    @Test
    void refusesATamperedValue() {
        String stored = cipher.encrypt("secret", ROW);
        byte[] payload = Base64.getDecoder().decode(stored.substring(6));
        payload[payload.length - 1] ^= 1;
        String tampered = "v1:k1:" + Base64.getEncoder().encodeToString(payload);

        assertThatThrownBy(() -> cipher.decrypt(tampered, ROW))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void refusesAValueWhoseKeyIdWasChanged() {
        var ring = KeyRing.of("k1", Map.of("k1", KEY_1, "k2", KEY_2));
        String stored = new CredentialCipher(ring).encrypt("secret", ROW);

        assertThatThrownBy(() -> new CredentialCipher(ring).decrypt(stored.replace("v1:k1:", "v1:k2:"), ROW))
                .isInstanceOf(CredentialDecryptionException.class);
    }

    @Test
    void namesTheMissingKeyWhenTheKeyIdIsUnknown() {
        String stored = new CredentialCipher(KeyRing.single("k9", KEY_2)).encrypt("secret", ROW);

        assertThatThrownBy(() -> cipher.decrypt(stored, ROW))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageContaining("'k9'")
                .hasMessageContaining("[k1]");
    }

    @Test
    void refusesWhatIsNotAnEncryptedValue() {
        for (String value : new String[] {"plain text", "v2:k1:AAAA", "v1:k1:not base64!", "v1:k1:AAAA", "v1::AAAA"}) {
            assertThatThrownBy(() -> cipher.decrypt(value, ROW)).as(value)
                    .isInstanceOf(CredentialDecryptionException.class);
        }
    }

    @Test
    void keepsReadingOldValuesAfterARotation() {
        String old = cipher.encrypt("secret", ROW);
        var rotated = new CredentialCipher(KeyRing.of("k2", Map.of("k1", KEY_1, "k2", KEY_2)));

        assertThat(rotated.decrypt(old, ROW)).isEqualTo("secret");
        assertThat(rotated.encrypt("secret", ROW)).startsWith("v1:k2:");
    }

    @Test
    void tellsWhichValuesNeedReencryption() {
        String old = cipher.encrypt("secret", ROW);
        var rotated = new CredentialCipher(KeyRing.of("k2", Map.of("k1", KEY_1, "k2", KEY_2)));

        assertThat(rotated.needsReencryption(old)).isTrue();
        String moved = rotated.reencrypt(old, ROW);
        assertThat(moved).startsWith("v1:k2:");
        assertThat(rotated.needsReencryption(moved)).isFalse();
        assertThat(rotated.decrypt(moved, ROW)).isEqualTo("secret");
        assertThat(rotated.reencrypt(moved, ROW)).isSameAs(moved);
    }

    @Test
    void encryptsEmptyAndUnicodeText() {
        assertThat(cipher.decrypt(cipher.encrypt("", ROW), ROW)).isEmpty();
        assertThat(cipher.decrypt(cipher.encrypt("senha ção 🔑", ROW), ROW)).isEqualTo("senha ção 🔑");
    }
}
