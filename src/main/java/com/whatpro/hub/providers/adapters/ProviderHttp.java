package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.ProviderException;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderTimeouts;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.io.IOException;
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
        var request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long started = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
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
        int status = response.statusCode();
        log.debug("{} {} {} -> {} in {} ms", provider.jsonName(), method, uri.getPath(), status,
                (System.nanoTime() - started) / 1_000_000);
        JsonNode answer = Json.lenient(response.body());
        if (status >= 200 && status < 300) {
            return answer;
        }
        throw failure(provider, status, errors.read(answer), errors, response.headers());
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

    private static ProviderUnavailable unreachable(ProviderType provider, String method, URI uri, String what,
            Exception cause) {
        log.debug("{} {} {} failed: {}", provider.jsonName(), method, uri.getPath(), what);
        return ProviderUnavailable.unreachable(provider, what, cause);
    }
}
