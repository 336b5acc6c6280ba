package com.whatpro.hub.platform.ratelimit;

import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/**
 * A limit of {@code requests} per {@code per}, written {@code 600/1m} in settings: a bucket of
 * that many tokens that refills evenly over the period, so bursts up to the limit are fine and
 * the long-run average is the rate.
 */
public record Rate(long requests, Duration per) {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d{1,12})\\s*/\\s*(\\S+)\\s*");

    public Rate {
        if (requests < 1) {
            throw new IllegalArgumentException("a rate allows at least 1 request");
        }
        if (per.isNegative() || per.isZero() || per.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("a rate's period is between 1ms and 1d");
        }
    }

    public static Rate of(long requests, Duration per) {
        return new Rate(requests, per);
    }

    /** Parses {@code 600/1m}, {@code 5/15m}, {@code 10/1s}, {@code 100/PT1H}. Settings bind through this. */
    public static Rate valueOf(String text) {
        var match = FORMAT.matcher(text);
        if (!match.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate like 600/1m");
        }
        return new Rate(Long.parseLong(match.group(1)), DurationStyle.detectAndParse(match.group(2)));
    }

    /** A short, stable name for keys: {@code 600-60000}. */
    String id() {
        return requests + "-" + per.toMillis();
    }

    @Override
    public String toString() {
        var seconds = per.toSeconds();
        if (per.toMillis() % 1000 != 0) {
            return requests + "/" + per.toMillis() + "ms";
        }
        if (seconds % 3600 == 0) {
            return requests + "/" + seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return requests + "/" + seconds / 60 + "m";
        }
        return requests + "/" + seconds + "s";
    }
}
