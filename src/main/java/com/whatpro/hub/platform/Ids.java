package com.whatpro.hub.platform;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Time-ordered UUIDs (version 7, RFC 9562) so new rows land at the end of their indexes. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** The smallest id {@link #newId()} can make at this instant: ids at or after it sort at or after it. */
    public static UUID lowestAt(Instant at) {
        return new UUID((at.toEpochMilli() << 16) | 0x7000L, 0x8000_0000_0000_0000L);
    }

    /** The largest id {@link #newId()} can make at this instant. */
    public static UUID highestAt(Instant at) {
        return new UUID((at.toEpochMilli() << 16) | 0x7FFFL, 0xBFFF_FFFF_FFFF_FFFFL);
    }

    public static UUID newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
