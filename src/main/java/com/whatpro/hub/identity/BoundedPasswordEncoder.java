package com.whatpro.hub.identity;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * A password encoder that runs at most {@code permits} hashes at once on this node. Each Argon2id hash takes about
 * 16 MiB of memory and a core for tens of milliseconds, and requests run on virtual threads, which put no ceiling
 * on how many arrive at once: without this bound a flood of sign-ins (each unknown e-mail costs a decoy hash too)
 * could exhaust the heap. The slots are handed out fairly, in order of arrival; a hash that finds none free within
 * {@code wait} is refused with {@link PasswordHashingBusy} (503 with {@code Retry-After}) instead of queueing on.
 */
final class BoundedPasswordEncoder implements PasswordEncoder {

    private final PasswordEncoder argon2;
    private final Semaphore slots;
    private final Duration wait;

    BoundedPasswordEncoder(PasswordEncoder argon2, int permits, Duration wait) {
        this.argon2 = argon2;
        this.slots = new Semaphore(Math.max(1, permits), true);
        this.wait = wait;
    }

    @Override
    public @Nullable String encode(@Nullable CharSequence rawPassword) {
        return bounded(() -> argon2.encode(rawPassword));
    }

    @Override
    public boolean matches(@Nullable CharSequence rawPassword, @Nullable String encodedPassword) {
        return bounded(() -> argon2.matches(rawPassword, encodedPassword));
    }

    @Override
    public boolean upgradeEncoding(@Nullable String encodedPassword) {
        return argon2.upgradeEncoding(encodedPassword);
    }

    /**
     * Runs {@code work} in one of the slots.
     *
     * @throws PasswordHashingBusy when no slot frees up within the wait
     */
    <T> T bounded(Supplier<T> work) {
        try {
            // the timed form honours the fairness; tryAcquire() without a timeout would jump the queue
            if (!slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new PasswordHashingBusy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordHashingBusy();
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }
}
