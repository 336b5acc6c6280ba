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

    /**
     * Waits until none of the account's gateway work is due or in a worker's hands: what the test sent has been
     * worked (done, dead, or retrying later), so a check afterwards that something did not happen means something.
     */
    static void settled(long account) {
        until("the gateway jobs of account " + account + " are worked", () -> Gateway.query("""
                select count(*) from gateway_jobs where account_id = %d and status = 'pending'
                  and (claim_token is not null or next_attempt_at <= now())""".formatted(account)).equals("0"));
    }

    /** Waits until the account's job with this dedup key ran to its end (done or dead), and what it queued ran too. */
    static void worked(long account, String dedupKey) {
        until(dedupKey + " is worked", () -> Gateway.query("select count(*) from gateway_jobs where account_id = "
                + account + " and dedup_key = '" + dedupKey + "' and status <> 'pending'").equals("1"));
        settled(account);
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
