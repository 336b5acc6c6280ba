package com.whatpro.hub.identity;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration(proxyBeanMethods = false)
class PasswordConfiguration {

    /** Argon2id, at most {@code whatpro.identity.password-hashing.concurrency} hashes at once. */
    @Bean
    PasswordEncoder passwordEncoder(IdentitySettings settings) {
        var hashing = settings.passwordHashing();
        return new BoundedPasswordEncoder(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), hashing.permits(),
                hashing.maxWait());
    }
}
