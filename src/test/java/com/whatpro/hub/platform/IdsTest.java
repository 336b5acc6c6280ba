package com.whatpro.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class IdsTest {

    /** PostgreSQL orders uuids byte by byte, i.e. as unsigned numbers. */
    private static int inDatabaseOrder(UUID a, UUID b) {
        var high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    @Test
    void anIdMadeNowSortsBetweenTheBoundsOfItsMillisecond() {
        var before = Instant.now();
        var id = Ids.newId();
        var after = Instant.now();

        assertThat(id.version()).isEqualTo(7);
        assertThat(inDatabaseOrder(Ids.lowestAt(before), id)).isNegative();
        assertThat(inDatabaseOrder(id, Ids.highestAt(after))).isNegative();
        assertThat(inDatabaseOrder(Ids.highestAt(before.minusMillis(1)), id)).isNegative();
        assertThat(inDatabaseOrder(id, Ids.lowestAt(after.plusMillis(1)))).isNegative();
    }

    /** Found in review: a time far from now overflowed (ArithmeticException) or sorted its bound wrongly. */
    @Test
    void boundsOfTimesBeyondTheIdsRangeAreTheFirstAndLastPossibleIds() {
        var id = Ids.newId();

        assertThat(inDatabaseOrder(Ids.lowestAt(Instant.parse("-999999999-01-01T00:00:00Z")), id)).isNegative();
        assertThat(inDatabaseOrder(Ids.lowestAt(Instant.parse("0001-01-01T00:00:00Z")), id)).isNegative();
        assertThat(Ids.lowestAt(Instant.MIN)).isEqualTo(Ids.lowestAt(Instant.EPOCH));
        assertThat(inDatabaseOrder(id, Ids.highestAt(Instant.parse("9999-12-31T23:59:59Z")))).isNegative();
        assertThat(inDatabaseOrder(id, Ids.highestAt(Instant.MAX))).isNegative();
        assertThat(inDatabaseOrder(Ids.highestAt(Instant.parse("9999-12-31T23:59:59Z")), Ids.highestAt(Instant.MAX)))
                .isNegative();
    }
}
