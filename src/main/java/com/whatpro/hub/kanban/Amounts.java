package com.whatpro.hub.kanban;

import java.math.BigDecimal;

import com.whatpro.hub.platform.ApiProblem;

import org.jspecify.annotations.Nullable;

/**
 * What a card's {@code amount_minor} may be: 0 to 10^15 minor units (ten trillion in a currency of cents). The API,
 * automation rules and a CHECK constraint hold to it; a stage's totals are sums of any number of these, kept as
 * numeric, so they never overflow.
 */
final class Amounts {

    static final long MAX_MINOR = 1_000_000_000_000_000L;
    static final String TOO_LARGE = "must be at most 1000000000000000 (10^15)";

    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_MINOR);

    private Amounts() {
    }

    /**
     * A rule's value for {@code amount_minor} (a JSON number, or text of one) as the API would take it; anything
     * else is refused as the API refuses it.
     */
    static @Nullable Long of(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(value.toString().strip());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("amount_minor", "must be a whole number");
        }
        if (amount.signum() < 0) {
            throw ApiProblem.invalid("amount_minor", "must be greater than or equal to 0");
        }
        if (amount.compareTo(MAX) > 0) {
            throw ApiProblem.invalid("amount_minor", TOO_LARGE);
        }
        try {
            return amount.longValueExact();
        } catch (ArithmeticException e) {
            throw ApiProblem.invalid("amount_minor", "must be a whole number");
        }
    }
}
