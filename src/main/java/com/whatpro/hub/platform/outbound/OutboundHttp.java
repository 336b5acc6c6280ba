package com.whatpro.hub.platform.outbound;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * HTTP/1.1 calls under the {@link OutboundPolicy}: the host is resolved once, every address is checked, and the
 * connection goes to a checked address (TLS still names and verifies the host). Each call has a total deadline for
 * connecting, the headers and the whole body, and a cap on the body; redirects are followed only when the call asks,
 * at most {@link OutboundPolicy#MAX_REDIRECTS}, each hop checked again and stripped of the caller's headers when it
 * leaves the origin. Nothing is retried, no cookies are kept, no proxy is used.
 */
public final class OutboundHttp implements Closeable {

    /** The most of a refusal's body (4xx, 5xx, 3xx) that is kept; the rest is not read. */
    public static final int ERROR_BODY_LIMIT = 64 * 1024;

    private static final String USER_AGENT = "WhatPro-Hub/0.1.0";
    private static final Set<String> NOT_FORWARDED = Set.of("content-length", "transfer-encoding", "host",
            "connection", "upgrade", "expect", "te", "keep-alive", "proxy-connection");
    private static final Set<String> KEPT_ACROSS_ORIGINS = Set.of("accept", "user-agent");

    private final OutboundPolicy policy;
    private final Duration readTimeout;
    private final CloseableHttpClient client;
    private final String target;

    /**
     * @param connectTimeout the longest wait for one connection, within each call's own deadline
     * @param readTimeout the longest silence while waiting for the answer or any part of its body, within the deadline
     */
    public OutboundHttp(OutboundPolicy policy, Duration connectTimeout, Duration readTimeout) {
        this(policy, connectTimeout, readTimeout, "other");
    }

    /**
     * Likewise, for calls to {@code target}: the tag of their timer and the name of their span (chatwoot, provider,
     * media…; never anything a tenant chose).
     */
    public OutboundHttp(OutboundPolicy policy, Duration connectTimeout, Duration readTimeout, String target) {
        this.target = target;
        this.policy = policy;
        this.readTimeout = readTimeout;
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new CheckedDnsResolver(policy, connectTimeout))
                .setMaxConnTotal(400)
                .setMaxConnPerRoute(64)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent(USER_AGENT)
                .build();
    }

    public OutboundPolicy policy() {
        return policy;
    }

    /**
     * How long a call may take, how large its answer may be, and how many redirects it follows.
     *
     * @param deadline in {@link System#nanoTime()} terms; several calls may share one
     */
    public record Limits(long deadline, long maxBytes, int redirects) {

        public Limits {
            if (maxBytes < 0 || redirects < 0 || redirects > OutboundPolicy.MAX_REDIRECTS) {
                throw new IllegalArgumentException("maxBytes must be positive and redirects 0 to "
                        + OutboundPolicy.MAX_REDIRECTS);
            }
        }

        /** No more than {@code maxBytes} of answer, all within {@code total} from now, no redirect followed. */
        public static Limits of(Duration total, long maxBytes) {
            return new Limits(System.nanoTime() + total.toNanos(), maxBytes, 0);
        }

        public Limits followingRedirects(int hops) {
            return new Limits(deadline, maxBytes, hops);
        }

        public Limits withMaxBytes(long bytes) {
            return new Limits(deadline, bytes, redirects);
        }

        public Duration remaining() {
            long left = deadline - System.nanoTime();
            return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
        }
    }

    /**
     * An answer, read whole within the limits. A 2xx body is complete; any other status's body holds at most
     * {@link #ERROR_BODY_LIMIT} bytes.
     *
     * @param uri where the answer came from, after any redirects
     */
    public record Response(int status, URI uri, HttpHeaders headers, byte[] body) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.getFirst(name));
        }

        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Sends one request and reads its answer.
     *
     * @param headers sent as given, except those of the connection itself (Host, Content-Length…)
     * @param body the request body, with its type among {@code headers}; null for none
     * @throws OutboundException when the policy refuses a hop, the deadline passes, the answer is too large, or the
     *         server cannot be reached
     */
    public Response send(String method, URI uri, HttpHeaders headers, byte @Nullable [] body, Limits limits)
            throws OutboundException {
        var observation = Observation.createNotStarted("whatpro.outbound", policy.observations())
                .contextualName(target + " " + method.toUpperCase(Locale.ROOT))
                .lowCardinalityKeyValue("target", target)
                .start();
        try (var scope = observation.openScope()) {
            var response = sendFollowing(method, uri, headers, body, limits);
            observation.lowCardinalityKeyValue("outcome", outcome(response.status()));
            return response;
        } catch (OutboundException e) {
            observation.lowCardinalityKeyValue("outcome", e.kind().name().toLowerCase(Locale.ROOT));
            observation.error(e);
            throw e;
        } catch (RuntimeException e) {
            observation.lowCardinalityKeyValue("outcome", "error");
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private static String outcome(int status) {
        if (status >= 200 && status < 300) {
            return "success";
        }
        if (status >= 300 && status < 400) {
            return "redirection";
        }
        return status >= 400 && status < 500 ? "client_error" : "server_error";
    }

    private Response sendFollowing(String method, URI uri, HttpHeaders headers, byte @Nullable [] body, Limits limits)
            throws OutboundException {
        var current = uri;
        var currentMethod = method.toUpperCase(Locale.ROOT);
        var currentHeaders = headers;
        var currentBody = body;
        for (int hop = 0; ; hop++) {
            var refusal = policy.precheck(current);
            if (refusal.isPresent()) {
                throw new OutboundException(OutboundException.Kind.REFUSED, refusal.get(), null);
            }
            var response = once(currentMethod, current, currentHeaders, currentBody, limits);
            var location = response.header(HttpHeaders.LOCATION);
            if (limits.redirects() == 0 || !redirect(response.status()) || location.isEmpty()) {
                return response;
            }
            if (hop >= limits.redirects()) {
                throw new OutboundException(OutboundException.Kind.UNREACHABLE,
                        "more than " + limits.redirects() + " redirects", null);
            }
            var next = next(current, location.get());
            if (response.status() == 303 || (response.status() <= 302 && currentMethod.equals("POST"))) {
                currentMethod = "GET";
                currentBody = null;
            }
            if (!sameOrigin(current, next)) {
                var kept = new HttpHeaders();
                currentHeaders.forEach((name, values) -> {
                    if (KEPT_ACROSS_ORIGINS.contains(name.toLowerCase(Locale.ROOT))) {
                        kept.addAll(name, values);
                    }
                });
                currentHeaders = kept;
            }
            current = next;
        }
    }

    /** A factory for Spring's {@code RestClient} whose every request is sent by {@link #send} within {@code limits}. */
    public ClientHttpRequestFactory requestFactory(LimitsPerCall limits) {
        return new OutboundRequestFactory(this, limits);
    }

    /** The limits of each call made through a {@link #requestFactory}, fresh for every call. */
    @FunctionalInterface
    public interface LimitsPerCall {
        Limits next();
    }

    private Response once(String method, URI uri, HttpHeaders headers, byte @Nullable [] body, Limits limits)
            throws OutboundException {
        var remaining = limits.remaining();
        if (remaining.isZero()) {
            throw new OutboundException(OutboundException.Kind.TIMED_OUT, "ran out of time before the request", null);
        }
        var request = new HttpUriRequestBase(method, uri);
        headers.forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.addHeader(name, value));
            }
        });
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, null));
        }
        request.setConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(remaining))
                .setResponseTimeout(Timeout.of(remaining.compareTo(readTimeout) < 0 ? remaining : readTimeout))
                .build());
        var expired = new AtomicBoolean();
        var watchdog = CompletableFuture.runAsync(() -> {
            expired.set(true);
            request.cancel();
        }, CompletableFuture.delayedExecutor(Math.max(1, remaining.toNanos()), TimeUnit.NANOSECONDS));
        try {
            var response = client.executeOpen(null, request, null);
            try {
                return read(request, response, uri, limits);
            } finally {
                closeQuietly(response);
            }
        } catch (OutboundException e) {
            throw expired.get() ? timedOut(e) : e;
        } catch (IOException | RuntimeException e) {
            if (expired.get()) {
                throw timedOut(e);
            }
            var refused = refusedAddress(e);
            if (refused != null) {
                throw new OutboundException(OutboundException.Kind.REFUSED, refused.reason(), null);
            }
            throw new OutboundException(OutboundException.Kind.UNREACHABLE, describe(e), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private static Response read(HttpUriRequestBase request, ClassicHttpResponse response, URI uri, Limits limits)
            throws IOException {
        int status = response.getCode();
        var headers = new HttpHeaders();
        for (Header header : response.getHeaders()) {
            headers.add(header.getName(), header.getValue());
        }
        var entity = response.getEntity();
        if (entity == null) {
            return new Response(status, uri, headers, new byte[0]);
        }
        boolean successful = status >= 200 && status < 300;
        long limit = successful ? limits.maxBytes() : Math.min(ERROR_BODY_LIMIT, limits.maxBytes());
        if (successful && entity.getContentLength() > limit) {
            request.cancel();
            throw tooLarge(limit);
        }
        byte[] bytes;
        try (InputStream in = entity.getContent()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                // what is left is not read: dropping the connection is cheaper than draining it
                request.cancel();
                if (successful) {
                    throw tooLarge(limit);
                }
                bytes = java.util.Arrays.copyOf(bytes, (int) limit);
            }
        }
        return new Response(status, uri, headers, bytes);
    }

    private static boolean redirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI next(URI current, String location) throws OutboundException {
        try {
            return current.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new OutboundException(OutboundException.Kind.UNREACHABLE, "a redirect to a malformed location", e);
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()),
                lower(b.getHost())) && OutboundPolicy.port(a) == OutboundPolicy.port(b);
    }

    private static @Nullable String lower(@Nullable String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static OutboundPolicy.@Nullable RefusedAddress refusedAddress(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutboundPolicy.RefusedAddress refused) {
                return refused;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        return switch (e) {
            case java.net.ConnectException _ -> "connection refused";
            case org.apache.hc.client5.http.ConnectTimeoutException _ -> "connect timed out";
            case java.net.SocketTimeoutException _ -> "timed out waiting for the answer";
            case java.net.UnknownHostException _ -> "the host name does not resolve";
            default -> "I/O error: " + e.getClass().getSimpleName();
        };
    }

    private static OutboundException tooLarge(long limit) {
        return new OutboundException(OutboundException.Kind.TOO_LARGE,
                "the answer is larger than the limit of " + limit + " bytes", null);
    }

    private static OutboundException timedOut(Throwable cause) {
        return new OutboundException(OutboundException.Kind.TIMED_OUT, "did not finish within its deadline", cause);
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is dropped either way
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
