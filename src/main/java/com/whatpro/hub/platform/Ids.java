package com.whatpro.hub.platform;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Time-ordered UUIDs (version 7, RFC 9562) so new rows land at the end of their indexes. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** An id's time is 48 bits of milliseconds since 1970: up to the year 10889. */
    private static final long LAST_MILLI = (1L << 48) - 1;

    private Ids() {
    }

    /**
     * The smallest id {@link #newId()} can make at this instant: ids at or after it sort at or after it. An instant
     * before 1970 or after the ids' last millisecond counts as the first or the last one.
     */
    public static UUID lowestAt(Instant at) {
        return new UUID((millis(at) << 16) | 0x7000L, 0x8000_0000_0000_0000L);
    }

    /** The largest id {@link #newId()} can make at this instant (held to the ids' range as {@link #lowestAt}). */
    public static UUID highestAt(Instant at) {
        return new UUID((millis(at) << 16) | 0x7FFFL, 0xBFFF_FFFF_FFFF_FFFFL);
    }

    private static long millis(Instant at) {
        if (at.getEpochSecond() < 0) {
            return 0;
        }
        return at.getEpochSecond() > LAST_MILLI / 1000 ? LAST_MILLI : Math.min(at.toEpochMilli(), LAST_MILLI);
    }

    public static UUID newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
