package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ProviderException;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * JSON over HTTP to the providers, with the timeouts configured and every failure turned into a
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

    private final HttpClient client;
    private final Duration readTimeout;
    private final Clock clock;

    ProviderHttp(ProviderTimeouts timeouts) {
        this(timeouts, Clock.systemUTC());
    }

    ProviderHttp(ProviderTimeouts timeouts, Clock clock) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.readTimeout = timeouts.read();
        this.clock = clock;
    }

    JsonNode get(ProviderType provider, URI uri, Map<String, String> headers, ErrorReader errors) {
        return exchange(provider, "GET", uri, headers, null, errors);
    }

    JsonNode post(ProviderType provider, URI uri, Map<String, String> headers, JsonNode body, ErrorReader errors) {
        return exchange(provider, "POST", uri, headers, body, errors);
    }

    private JsonNode exchange(ProviderType provider, String method, URI uri, Map<String, String> headers,
            @Nullable JsonNode body, ErrorReader errors) {
        var request = request(method, uri, readTimeout, "application/json", headers, body);
        var response = send(provider, method, uri, request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
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
        Duration remaining = budget.remaining();
        if (remaining.isZero()) {
            throw timedOut(provider, method, uri, "ran out of time before the request");
        }
        var request = request(method, uri, remaining, accept, headers, body);
        var response = send(provider, method, uri, request, HttpResponse.BodyHandlers.ofInputStream());
        var watchdog = new Watchdog(response.body(), budget.remaining());
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                JsonNode answer = Json.lenient(in.readNBytes(ERROR_BODY_LIMIT));
                throw failure(provider, status, errors.read(answer), errors, response.headers());
            }
            if (response.headers().firstValueAsLong("Content-Length").orElse(0) > budget.maxBytes()) {
                throw tooLarge(provider, budget.maxBytes());
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget.maxBytes() + 1));
            if (watchdog.fired()) {
                throw timedOut(provider, method, uri, "timed out reading the response");
            }
            if (bytes.length > budget.maxBytes()) {
                throw tooLarge(provider, budget.maxBytes());
            }
            return new Body(bytes, response.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw watchdog.fired() ? timedOut(provider, method, uri, "timed out reading the response")
                    : unreachable(provider, method, uri, "I/O error reading the response: "
                            + e.getClass().getSimpleName(), e);
        } finally {
            watchdog.cancel();
        }
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

    /** Closes a response stream when time is up, which ends a read that would otherwise block past it. */
    private static final class Watchdog {

        private final AtomicBoolean fired = new AtomicBoolean();
        private final CompletableFuture<Void> timer;

        Watchdog(InputStream stream, Duration after) {
            timer = CompletableFuture.runAsync(() -> {
                fired.set(true);
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // closing is all that is wanted
                }
            }, CompletableFuture.delayedExecutor(Math.max(1, after.toNanos()), TimeUnit.NANOSECONDS));
        }

        boolean fired() {
            return fired.get();
        }

        void cancel() {
            timer.cancel(false);
        }
    }

    private static HttpRequest request(String method, URI uri, Duration timeout, String accept,
            Map<String, String> headers, @Nullable JsonNode body) {
        var request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", accept)
                .header("User-Agent", USER_AGENT);
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return request.build();
    }

    private <T> HttpResponse<T> send(ProviderType provider, String method, URI uri, HttpRequest request,
            HttpResponse.BodyHandler<T> body) {
        long started = System.nanoTime();
        HttpResponse<T> response;
        try {
            response = client.send(request, body);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(provider, method, uri, "connect timed out", e);
        } catch (HttpTimeoutException e) {
            throw unreachable(provider, method, uri, "timed out waiting for the response", e);
        } catch (ConnectException e) {
            throw unreachable(provider, method, uri, "connection refused", e);
        } catch (IOException e) {
            throw unreachable(provider, method, uri, "I/O error: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(provider, method, uri, "interrupted", e);
        }
        log.debug("{} {} {} -> {} in {} ms", provider.jsonName(), method, uri.getPath(), response.statusCode(),
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

    private @Nullable Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").map(String::strip).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ProviderRejected tooLarge(ProviderType provider, long maxBytes) {
        return new ProviderRejected(provider, 200, null, "the answer is larger than the limit of " + maxBytes
                + " bytes");
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
