package com.whatpro.hub.platform.crypto;

import com.whatpro.hub.platform.KeyMaterial;
import java.util.Base64;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The key ring stored credentials are encrypted with: the master key ({@code WHATPRO_ENCRYPTION_KEY}) is active,
 * and the keys listed in {@code WHATPRO_ENCRYPTION_OLD_KEYS} still decrypt what was written before a rotation. The
 * modules that store credentials re-encrypt old values to the active key in the background.
 */
@Configuration(proxyBeanMethods = false)
class CryptoConfiguration {

    @Bean
    KeyRing keyRing(KeyMaterial keys, @Value("${whatpro.encryption-old-keys:}") List<String> olderKeys) {
        var active = Base64.getEncoder().encodeToString(keys.encryptionKey());
        return KeyRing.fromKeys(active, olderKeys.stream().map(String::strip).filter(key -> !key.isEmpty())
                .toArray(String[]::new));
    }

    @Bean
    CredentialCipher credentialCipher(KeyRing keys) {
        return new CredentialCipher(keys);
    }
}
