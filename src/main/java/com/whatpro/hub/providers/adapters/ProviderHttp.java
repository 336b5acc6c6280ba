package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ProviderException;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.ProviderUnavailable;
import com.whatpro.hub.platform.outbound.OutboundException;
import com.whatpro.hub.platform.outbound.OutboundHttp;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/**
 * JSON over HTTP to the providers, through the outbound policy ({@link OutboundHttp}: a tenant chose the base URL),
 * each call within the connect and read timeouts together and a size cap, and every failure turned into a
 * {@link ProviderException}. Logs method, path, status and time only: headers carry credentials and bodies carry
 * people's messages.
 */
final class ProviderHttp {

    /** What a provider's error body says, and whether it counts as a temporary condition despite a 4xx status. */
    interface ErrorReader {

        ErrorReply read(JsonNode body);

        default boolean retryable(ErrorReply reply) {
            return false;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ProviderHttp.class);
    // Meta's spec requires the product/x.y.z form
    private static final String USER_AGENT = "WhatPro-Hub/0.1.0";
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** The longest wait a provider's {@code Retry-After} can ask for: a job waiting longer waits this long. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /** The largest JSON answer read when no other limit is given. */
    static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

    private final OutboundHttp client;
    private final Duration callTimeout;
    private final long maxResponseBytes;
    private final Clock clock;

    ProviderHttp(ProviderTimeouts timeouts, OutboundPolicy policy) {
        this(timeouts, policy, DEFAULT_MAX_RESPONSE_BYTES, Clock.systemUTC());
    }

    ProviderHttp(ProviderTimeouts timeouts, OutboundPolicy policy, long maxResponseBytes, Clock clock) {
        this.client = new OutboundHttp(policy, timeouts.connect(), timeouts.read(), "provider");
        this.callTimeout = timeouts.connect().plus(timeouts.read());
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
    }

    JsonNode get(ProviderType provider, URI uri, Map<String, String> headers, ErrorReader errors) {
        return exchange(provider, "GET", uri, headers, null, errors);
    }

    JsonNode post(ProviderType provider, URI uri, Map<String, String> headers, JsonNode body, ErrorReader errors) {
        return exchange(provider, "POST", uri, headers, body, errors);
    }

    JsonNode post(ProviderType provider, URI uri, Map<String, String> headers, ErrorReader errors) {
        return exchange(provider, "POST", uri, headers, null, errors);
    }

    JsonNode delete(ProviderType provider, URI uri, Map<String, String> headers, ErrorReader errors) {
        return exchange(provider, "DELETE", uri, headers, null, errors);
    }

    private JsonNode exchange(ProviderType provider, String method, URI uri, Map<String, String> headers,
            @Nullable JsonNode body, ErrorReader errors) {
        var response = send(provider, method, uri, "application/json", headers, body,
                OutboundHttp.Limits.of(callTimeout, maxResponseBytes));
        int status = response.status();
        JsonNode answer = Json.lenient(response.body());
        if (status >= 200 && status < 300) {
            return answer;
        }
        throw failure(provider, status, errors.read(answer), errors, response.headers());
    }

    /**
     * The whole body of a response that may be large (a file, or JSON carrying one in base64), read within
     * {@code budget}: a larger body is refused, a slower one is unavailable.
     *
     * @param accept the media types asked for
     */
    Body fetch(ProviderType provider, String method, URI uri, String accept, Map<String, String> headers,
            @Nullable JsonNode body, ErrorReader errors, Budget budget) {
        if (budget.remaining().isZero()) {
            throw timedOut(provider, method, uri, "ran out of time before the request");
        }
        var response = send(provider, method, uri, accept, headers, body,
                new OutboundHttp.Limits(budget.deadline(), budget.maxBytes(), 0));
        int status = response.status();
        if (status < 200 || status >= 300) {
            JsonNode answer = Json.lenient(response.body());
            throw failure(provider, status, errors.read(answer), errors, response.headers());
        }
        return new Body(response.body(), response.header("Content-Type").orElse(null));
    }

    /** {@link #fetch} of a JSON answer, which may hold strings of any length. */
    JsonNode fetchJson(ProviderType provider, String method, URI uri, Map<String, String> headers,
            @Nullable JsonNode body, ErrorReader errors, Budget budget) {
        return Json.large(fetch(provider, method, uri, "application/json", headers, body, errors, budget).bytes());
    }

    /** A response body and the type its server gave it. */
    record Body(byte[] bytes, @Nullable String contentType) {
    }

    /** At most {@code maxBytes} of body, all of it before {@code deadline} (in {@link System#nanoTime()} terms). */
    record Budget(long maxBytes, long deadline) {

        static Budget of(long maxBytes, Duration timeout) {
            return new Budget(maxBytes, System.nanoTime() + timeout.toNanos());
        }

        Budget withMaxBytes(long bytes) {
            return new Budget(bytes, deadline);
        }

        /** The same time for an answer holding {@code maxBytes} in base64, with room for the JSON around it. */
        Budget inBase64() {
            return new Budget((maxBytes + 2) / 3 * 4 + ERROR_BODY_LIMIT, deadline);
        }

        Duration remaining() {
            long left = deadline - System.nanoTime();
            return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
        }
    }

    private OutboundHttp.Response send(ProviderType provider, String method, URI uri, String accept,
            Map<String, String> headers, @Nullable JsonNode body, OutboundHttp.Limits limits) {
        var sent = new HttpHeaders();
        sent.set("Accept", accept);
        sent.set("User-Agent", USER_AGENT);
        headers.forEach(sent::set);
        if (body != null) {
            sent.set("Content-Type", "application/json");
        }
        long started = System.nanoTime();
        OutboundHttp.Response response;
        try {
            response = client.send(method, uri, sent, body == null ? null : Json.bytes(body), limits);
        } catch (OutboundException e) {
            throw switch (e.kind()) {
                case REFUSED -> refused(provider, method, uri, e.getMessage());
                case TOO_LARGE -> tooLarge(provider, limits.maxBytes());
                case TIMED_OUT -> timedOut(provider, method, uri, "timed out: " + e.getMessage());
                case UNREACHABLE -> unreachable(provider, method, uri, e.getMessage(), e);
            };
        }
        log.debug("{} {} {} -> {} in {} ms", provider.jsonName(), method, uri.getPath(), response.status(),
                (System.nanoTime() - started) / 1_000_000);
        return response;
    }

    private ProviderException failure(ProviderType provider, int status, ErrorReply reply, ErrorReader errors,
            HttpHeaders headers) {
        boolean temporary = status == 408 || status == 425 || status == 429 || status >= 500
                || errors.retryable(reply);
        if (temporary) {
            return new ProviderUnavailable(provider, status, reply.code(), reply.message(), retryAfter(headers), null);
        }
        return new ProviderRejected(provider, status, reply.code(), reply.message());
    }

    /**
     * The provider's {@code Retry-After} (seconds or an HTTP date), at most {@link #MAX_RETRY_AFTER}; none when it
     * cannot be read (a number too long for a {@code long}, a malformed date).
     */
    private @Nullable Duration retryAfter(HttpHeaders headers) {
        String first = headers.getFirst("Retry-After");
        String value = first == null ? null : first.strip();
        if (value == null || value.isEmpty()) {
            return null;
        }
        Duration wait;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                wait = Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            try {
                wait = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException | ArithmeticException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    private static ProviderRejected tooLarge(ProviderType provider, long maxBytes) {
        return new ProviderRejected(provider, 200, null, "the answer is larger than the limit of " + maxBytes
                + " bytes");
    }

    private static ProviderRejected refused(ProviderType provider, String method, URI uri, String why) {
        log.debug("{} {} {} refused: {}", provider.jsonName(), method, uri.getPath(), why);
        return new ProviderRejected(provider, 0, null, "the outbound policy refuses the address: " + why
                + " (the operator can allow it with WHATPRO_OUTBOUND_ALLOWED)");
    }

    private static ProviderUnavailable timedOut(ProviderType provider, String method, URI uri, String what) {
        log.debug("{} {} {} failed: {}", provider.jsonName(), method, uri.getPath(), what);
        return new ProviderUnavailable(provider, 0, null, what, null, null);
    }

    private static ProviderUnavailable unreachable(ProviderType provider, String method, URI uri, String what,
            Exception cause) {
        log.debug("{} {} {} failed: {}", provider.jsonName(), method, uri.getPath(), what);
        return ProviderUnavailable.unreachable(provider, what, cause);
    }
}
