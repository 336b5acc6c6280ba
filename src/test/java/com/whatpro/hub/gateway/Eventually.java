package com.whatpro.hub.gateway;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for an asynchronous outcome: polls until it holds or the deadline passes. */
final class Eventually {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Eventually() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition);
    }

    static void until(String what, Duration deadline, BooleanSupplier condition) {
        var end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting until " + what);
            }
            sleep(50);
        }
    }

    static <T> T value(String what, Supplier<T> supplier, Predicate<T> done) {
        var end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            var value = supplier.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + DEADLINE + " waiting until " + what + "; last: " + value);
            }
            sleep(50);
        }
    }

    /** Lets a stated time pass, to show that something does not happen in it. */
    static void quietFor(Duration duration) {
        sleep(duration.toMillis());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
