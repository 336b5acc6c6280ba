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
}
