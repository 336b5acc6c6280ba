package com.whatpro.hub.kanban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RanksTest {

    @Test
    void aRankBetweenTwoNeighboursSortsBetweenThemByteForByte() {
        var random = new Random(42);
        var ranks = new ArrayList<String>();
        for (var i = 0; i < 5_000; i++) {
            var at = random.nextInt(ranks.size() + 1);
            var lower = at == 0 ? null : ranks.get(at - 1);
            var upper = at == ranks.size() ? null : ranks.get(at);
            var rank = Ranks.between(lower, upper);
            if (lower != null) {
                assertThat(rank.compareTo(lower)).as("%s after %s", rank, lower).isPositive();
            }
            if (upper != null) {
                assertThat(rank.compareTo(upper)).as("%s before %s", rank, upper).isNegative();
            }
            assertThat(rank).matches("[0-9A-Za-z]{2,}");
            ranks.add(at, rank);
        }
        var sorted = new ArrayList<>(ranks);
        sorted.sort(String::compareTo);
        assertThat(ranks).isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(ranks.stream().mapToInt(String::length).max().orElseThrow()).isLessThan(20);
    }

    @Test
    void appendingAndPrependingKeepRanksShort() {
        String last = null;
        String first = null;
        for (var i = 0; i < 100_000; i++) {
            last = Ranks.between(last, null);
            first = Ranks.between(null, first);
        }
        assertThat(last.length()).isLessThanOrEqualTo(4);
        assertThat(first.length()).isLessThanOrEqualTo(4);
        assertThat(first.compareTo(last)).isNegative();
    }

    @Test
    void insertingAlwaysAtTheSamePlaceGrowsSlowly() {
        var lower = Ranks.first();
        var upper = Ranks.between(lower, null);
        for (var i = 0; i < 300; i++) {
            upper = Ranks.between(lower, upper);
        }
        assertThat(upper.length()).isLessThan(Ranks.REBALANCE_ABOVE);
    }

    @Test
    void aFreshSequenceIsAscendingAndShort() {
        var ranks = Ranks.sequence(10_000);
        var sorted = new ArrayList<>(ranks);
        sorted.sort(String::compareTo);
        assertThat(ranks).isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(ranks.getLast().length()).isLessThanOrEqualTo(4);
    }

    @Test
    void refusesNeighboursInTheWrongOrderOrMalformed() {
        assertThatThrownBy(() -> Ranks.between("a5", "a1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ranks.between("a1", "a1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ranks.valid("a10")).isFalse();
        assertThat(Ranks.valid("a!")).isFalse();
        assertThat(Ranks.valid("a1V")).isTrue();
    }
}
