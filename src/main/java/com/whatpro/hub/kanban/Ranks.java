package com.whatpro.hub.kanban;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Fractional ranks: strings over {@code 0-9A-Za-z} whose byte order (PostgreSQL {@code COLLATE "C"})
 * is the order of the cards, so a card moves by rewriting its own rank only.
 *
 * <p>A rank is an integer part, whose first character encodes its length ({@code a..z}: 2..27
 * characters, {@code A..Z}: 27..2 for the negative side), followed by an optional fraction that
 * never ends in {@code 0}. Appending or prepending increments or decrements the integer, so ranks
 * grow logarithmically at the ends; inserting between two neighbours bisects the fraction. This
 * is the scheme of David Greenspan's "Implementing Fractional Indexing" (rocicorp/fractional-indexing,
 * CC0), written out here.
 */
final class Ranks {

    static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final char ZERO = DIGITS.charAt(0);
    private static final char LAST = DIGITS.charAt(DIGITS.length() - 1);
    private static final String SMALLEST_INTEGER = "A" + String.valueOf(ZERO).repeat(26);

    /** Past this length a stage is re-ranked from scratch (the column allows 200). */
    static final int REBALANCE_ABOVE = 100;

    private Ranks() {
    }

    /** The first rank of an empty list. */
    static String first() {
        return "a" + ZERO;
    }

    /** A rank strictly between {@code before} and {@code after}; a null side is open. */
    static String between(@Nullable String lower, @Nullable String upper) {
        if (lower != null) {
            validate(lower);
        }
        if (upper != null) {
            validate(upper);
        }
        if (lower != null && upper != null && lower.compareTo(upper) >= 0) {
            throw new IllegalArgumentException(lower + " is not below " + upper);
        }
        if (lower == null) {
            if (upper == null) {
                return first();
            }
            var integer = integerPart(upper);
            var fraction = upper.substring(integer.length());
            if (integer.equals(SMALLEST_INTEGER)) {
                return integer + midpoint("", fraction);
            }
            if (integer.compareTo(upper) < 0) {
                return integer;
            }
            var decremented = decrement(integer);
            if (decremented == null) {
                throw new IllegalStateException("no rank below " + upper);
            }
            return decremented;
        }
        if (upper == null) {
            var integer = integerPart(lower);
            var incremented = increment(integer);
            return incremented == null ? integer + midpoint(lower.substring(integer.length()), null) : incremented;
        }
        var lowerInteger = integerPart(lower);
        var upperInteger = integerPart(upper);
        if (lowerInteger.equals(upperInteger)) {
            return lowerInteger + midpoint(lower.substring(lowerInteger.length()), upper.substring(upperInteger.length()));
        }
        var incremented = increment(lowerInteger);
        if (incremented == null) {
            throw new IllegalStateException("no rank above " + lower);
        }
        if (incremented.compareTo(upper) < 0) {
            return incremented;
        }
        return lowerInteger + midpoint(lower.substring(lowerInteger.length()), null);
    }

    /** {@code count} short ranks in ascending order, for a list ranked afresh. */
    static List<String> sequence(int count) {
        var ranks = new ArrayList<String>(count);
        String rank = null;
        for (var i = 0; i < count; i++) {
            rank = between(rank, null);
            ranks.add(rank);
        }
        return ranks;
    }

    static boolean valid(String rank) {
        try {
            validate(rank);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A fraction strictly between two fractions (no trailing zeros); {@code upper} null is open. */
    private static String midpoint(String lower, @Nullable String upper) {
        if (upper != null) {
            var n = 0;
            while (n < upper.length() && (n < lower.length() ? lower.charAt(n) : ZERO) == upper.charAt(n)) {
                n++;
            }
            if (n > 0) {
                return upper.substring(0, n) + midpoint(lower.length() > n ? lower.substring(n) : "", upper.substring(n));
            }
        }
        var digitLower = lower.isEmpty() ? 0 : DIGITS.indexOf(lower.charAt(0));
        var digitUpper = upper == null ? DIGITS.length() : DIGITS.indexOf(upper.charAt(0));
        if (digitUpper - digitLower > 1) {
            return String.valueOf(DIGITS.charAt((digitLower + digitUpper + 1) / 2));
        }
        if (upper != null && upper.length() > 1) {
            return upper.substring(0, 1);
        }
        return DIGITS.charAt(digitLower) + midpoint(lower.isEmpty() ? "" : lower.substring(1), null);
    }

    private static int integerLength(char head) {
        if (head >= 'a' && head <= 'z') {
            return head - 'a' + 2;
        }
        if (head >= 'A' && head <= 'Z') {
            return 'Z' - head + 2;
        }
        throw new IllegalArgumentException("invalid rank head " + head);
    }

    private static String integerPart(String rank) {
        var length = integerLength(rank.charAt(0));
        if (length > rank.length()) {
            throw new IllegalArgumentException("invalid rank " + rank);
        }
        return rank.substring(0, length);
    }

    private static void validate(String rank) {
        if (rank.isEmpty() || rank.equals(SMALLEST_INTEGER)) {
            throw new IllegalArgumentException("invalid rank " + rank);
        }
        for (var i = 0; i < rank.length(); i++) {
            if (DIGITS.indexOf(rank.charAt(i)) < 0) {
                throw new IllegalArgumentException("invalid rank " + rank);
            }
        }
        var integer = integerPart(rank);
        if (rank.length() > integer.length() && rank.charAt(rank.length() - 1) == ZERO) {
            throw new IllegalArgumentException("invalid rank " + rank);
        }
    }

    private static @Nullable String increment(String integer) {
        var head = integer.charAt(0);
        var digits = new StringBuilder(integer.substring(1));
        var carry = true;
        for (var i = digits.length() - 1; carry && i >= 0; i--) {
            var d = DIGITS.indexOf(digits.charAt(i)) + 1;
            if (d == DIGITS.length()) {
                digits.setCharAt(i, ZERO);
            } else {
                digits.setCharAt(i, DIGITS.charAt(d));
                carry = false;
            }
        }
        if (!carry) {
            return head + digits.toString();
        }
        if (head == 'Z') {
            return "a" + ZERO;
        }
        if (head == 'z') {
            return null;
        }
        var next = (char) (head + 1);
        if (next > 'a') {
            digits.append(ZERO);
        } else {
            digits.setLength(digits.length() - 1);
        }
        return next + digits.toString();
    }

    private static @Nullable String decrement(String integer) {
        var head = integer.charAt(0);
        var digits = new StringBuilder(integer.substring(1));
        var borrow = true;
        for (var i = digits.length() - 1; borrow && i >= 0; i--) {
            var d = DIGITS.indexOf(digits.charAt(i)) - 1;
            if (d == -1) {
                digits.setCharAt(i, LAST);
            } else {
                digits.setCharAt(i, DIGITS.charAt(d));
                borrow = false;
            }
        }
        if (!borrow) {
            return head + digits.toString();
        }
        if (head == 'a') {
            return "Z" + LAST;
        }
        if (head == 'A') {
            return null;
        }
        var previous = (char) (head - 1);
        if (previous < 'Z') {
            digits.append(LAST);
        } else {
            digits.setLength(digits.length() - 1);
        }
        return previous + digits.toString();
    }
}
