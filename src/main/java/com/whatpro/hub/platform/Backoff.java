package com.whatpro.hub.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The wait before a retry of durable work: exponential, capped, with jitter so retries of many items spread out. */
public final class Backoff {

    private Backoff() {
    }

    /** base × 2^(attempt − 1), capped, then between half and all of it at random. */
    public static Duration jittered(Duration base, Duration cap, int attempt) {
        long exponential = capped(base, cap, attempt).toMillis();
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        return Duration.ofMillis(Math.max(1, jittered));
    }

    /** base × 2^(attempt − 1), at most {@code cap}. */
    public static Duration capped(Duration base, Duration cap, int attempt) {
        long capMillis = cap.toMillis();
        return Duration.ofMillis(attempt >= 31 ? capMillis
                : Math.min(capMillis, base.toMillis() * (1L << Math.max(0, attempt - 1))));
    }
}
