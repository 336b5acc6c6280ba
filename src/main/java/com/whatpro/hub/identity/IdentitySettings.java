package com.whatpro.hub.identity;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

@ConfigurationProperties("whatpro.identity")
record IdentitySettings(
        @DefaultValue Bootstrap bootstrap,
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("30d") Duration sessionTtl,
        @DefaultValue("true") boolean secureCookie,
        @DefaultValue PasswordHashing passwordHashing,
        @DefaultValue("15s") Duration streamRecheck) {

    record Bootstrap(@DefaultValue("admin@whatpro.local") String adminEmail, @Nullable String adminPassword) {
    }

    /**
     * The bound on password hashing ({@link BoundedPasswordEncoder}).
     *
     * @param concurrency Argon2 computations (about 16 MiB of memory each) running at once on this node; 0 means
     *        twice the node's processors
     * @param maxWait how long a hash waits for a free slot before it is refused (503)
     */
    record PasswordHashing(@DefaultValue("0") int concurrency, @DefaultValue("1s") Duration maxWait) {

        PasswordHashing {
            if (concurrency < 0) {
                throw new IllegalArgumentException("whatpro.identity.password-hashing.concurrency "
                        + "(WHATPRO_PASSWORD_HASHING_CONCURRENCY) must be 0 (twice the processors) or more, not "
                        + concurrency);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("whatpro.identity.password-hashing.max-wait "
                        + "(WHATPRO_PASSWORD_HASHING_MAX_WAIT) must not be negative, not " + maxWait);
            }
        }

        /** How many hashes may run at once. */
        int permits() {
            return concurrency > 0 ? concurrency : 2 * Runtime.getRuntime().availableProcessors();
        }
    }
}
