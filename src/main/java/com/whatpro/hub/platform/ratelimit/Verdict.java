package com.whatpro.hub.platform.ratelimit;

import java.time.Duration;

import io.github.bucket4j.ConsumptionProbe;

/**
 * The answer of one bucket to one request: whether it may pass, and what the
 * {@code RateLimit-*} headers tell the client.
 */
public record Verdict(boolean allowed, Rate rate, long remaining, Duration untilFull, Duration retryAfter) {

    static Verdict of(Rate rate, ConsumptionProbe probe) {
        return new Verdict(probe.isConsumed(), rate, Math.max(0, probe.getRemainingTokens()),
                Duration.ofNanos(Math.max(0, probe.getNanosToWaitForReset())),
                Duration.ofNanos(probe.isConsumed() ? 0 : Math.max(0, probe.getNanosToWaitForRefill())));
    }

    public long limit() {
        return rate.requests();
    }

    /** Seconds until the bucket is full again ({@code RateLimit-Reset}). */
    public long resetSeconds() {
        return ceilSeconds(untilFull);
    }

    /** Seconds until the next request may pass ({@code Retry-After}), at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, ceilSeconds(retryAfter));
    }

    /** The tighter of two verdicts: a refusal, else the one with less left. */
    public Verdict tighter(Verdict other) {
        if (allowed != other.allowed) {
            return allowed ? other : this;
        }
        if (!allowed) {
            return retryAfter.compareTo(other.retryAfter) >= 0 ? this : other;
        }
        return remaining <= other.remaining ? this : other;
    }

    private static long ceilSeconds(Duration duration) {
        var millis = duration.toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
