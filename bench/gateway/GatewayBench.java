import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Gateway benchmarks against a running WhatPro Hub (single-file program: {@code java bench/gateway/GatewayBench.java}).
 *
 * <ul>
 *   <li>{@code setup BASE_URL}: creates an account on the enterprise plan and an Evolution provider through the API,
 *       and prints {@code WEBHOOK_PATH=...} for the wrk scenario {@code webhook-intake}.</li>
 *   <li>{@code e2e BASE_URL RATE SECONDS}: starts a Chatwoot stand-in on a local port, connects a new account to it,
 *       sends Evolution webhooks at RATE per second for SECONDS, and measures the time from sending a webhook to the
 *       stand-in receiving the Chatwoot message (and the webhook's acknowledgement time).</li>
 * </ul>
 * Signs in as the super_admin of {@code BENCH_ADMIN_EMAIL} / {@code BENCH_ADMIN_PASSWORD}.
 */
public class GatewayBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    static String base;
    static String token;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GatewayBench setup BASE_URL | GatewayBench e2e BASE_URL RATE SECONDS"
                    + " | GatewayBench fairness BASE_URL BACKLOG");
            System.exit(2);
        }
        base = args[1].replaceAll("/$", "");
        token = login();
        switch (args[0]) {
            case "setup" -> {
                var account = account("bench-intake");
                System.out.println("WEBHOOK_PATH=" + provider(account, "http://127.0.0.1:9"));
            }
            case "e2e" -> e2e(Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "fairness" -> fairness(Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void e2e(int rate, int seconds) throws Exception {
        var chatwoot = new FakeChatwoot();
        var account = account("bench-e2e");
        call("PUT", "/api/v1/accounts/" + account + "/chatwoot", """
                {"base_url": "%s", "chatwoot_account_id": 1, "inbox_id": 1, "api_token": "bench-token"}"""
                .formatted(chatwoot.url()));
        var path = provider(account, "http://127.0.0.1:9");
        int total = rate * seconds;
        var sentAt = new long[total];
        var acks = Collections.synchronizedList(new ArrayList<Long>());
        var failures = new AtomicInteger();
        var done = new CountDownLatch(total);
        var prefix = Long.toHexString(System.nanoTime()).toUpperCase();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int seq = i;
                pool.execute(() -> {
                    var body = evolutionMessage("3EB0" + prefix + seq, "55119" + String.format("%08d", seq % 200),
                            "e2e " + seq);
                    sentAt[seq] = System.nanoTime();
                    try {
                        var response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                        acks.add(System.nanoTime() - sentAt[seq]);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
        }
        long sendSeconds = (System.nanoTime() - start) / 1_000_000;
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chatwoot.received.size() < total - failures.get() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        var endToEnd = new ArrayList<Long>();
        chatwoot.received.forEach((seq, at) -> endToEnd.add(at - sentAt[seq]));
        chatwoot.stop();
        System.out.printf("rate: %d webhooks/s for %d s (%d sent in %.1f s), %d failed%n", rate, seconds, total,
                sendSeconds / 1000.0, failures.get());
        System.out.printf("acknowledged: %s%n", percentiles(acks));
        System.out.printf("end to end (webhook sent -> message at Chatwoot): %s; %d of %d arrived%n",
                percentiles(endToEnd), endToEnd.size(), total);
    }

    static void fairness(int backlog) throws Exception {
        var chatwoot = new FakeChatwoot();
        chatwoot.slowAccount = 1;
        var noisy = account("bench-fair-a");
        call("PUT", "/api/v1/accounts/" + noisy + "/chatwoot", """
                {"base_url": "%s", "chatwoot_account_id": 1, "inbox_id": 1, "api_token": "bench-token"}"""
                .formatted(chatwoot.url()));
        var noisyPath = provider(noisy, "http://127.0.0.1:9");
        var quiet = account("bench-fair-b");
        call("PUT", "/api/v1/accounts/" + quiet + "/chatwoot", """
                {"base_url": "%s", "chatwoot_account_id": 2, "inbox_id": 1, "api_token": "bench-token"}"""
                .formatted(chatwoot.url()));
        var quietPath = provider(quiet, "http://127.0.0.1:9");
        var prefix = Long.toHexString(System.nanoTime()).toUpperCase();
        var failures = new AtomicInteger();
        long start = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(32, Thread.ofVirtual().factory())) {
            for (int i = 0; i < backlog; i++) {
                int seq = i;
                pool.execute(() -> {
                    var body = evolutionMessage("3EB0A" + prefix + seq, "55119" + String.format("%08d", seq % 100),
                            "flood " + seq);
                    try {
                        var response = HTTP.send(HttpRequest.newBuilder(URI.create(base + noisyPath))
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                });
            }
        }
        System.out.printf("account A: %d webhooks acknowledged in %.1f s (%d failed)%n", backlog - failures.get(),
                (System.nanoTime() - start) / 1e9, failures.get());
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chatwoot.slowPosts.get() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        var latencies = new ArrayList<Long>();
        for (int i = 0; i < 10; i++) {
            var body = evolutionMessage("3EB0B" + prefix + i, "5521900000001", "e2e " + (1_000_000 + i));
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(base + quietPath))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            long acknowledged = System.nanoTime();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("account B's webhook -> " + response.statusCode());
            }
            var wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!chatwoot.received.containsKey(1_000_000 + i) && System.nanoTime() < wait) {
                Thread.sleep(5);
            }
            var arrived = chatwoot.received.get(1_000_000 + i);
            latencies.add(arrived == null ? TimeUnit.SECONDS.toNanos(30) : arrived - acknowledged);
            Thread.sleep(1000);
        }
        chatwoot.stop();
        System.out.printf("account A: %d of %d messages posted to Chatwoot by the end%n", chatwoot.slowPosts.get(),
                backlog);
        System.out.printf("account B, acknowledged -> message at Chatwoot: %s (%d samples)%n", percentiles(latencies),
                latencies.size());
    }

    static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "no samples";
        }
        var sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms".formatted(at(sorted, 50), at(sorted, 95),
                at(sorted, 99), sorted.getLast() / 1e6);
    }

    static double at(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    static String evolutionMessage(String id, String phone, String text) {
        return """
                {"event":"messages.upsert","instance":"bench","data":{"key":{"remoteJid":"%s@s.whatsapp.net",\
                "fromMe":false,"id":"%s"},"pushName":"Bench %s","status":"DELIVERY_ACK","message":{"conversation":"%s"},\
                "messageType":"conversation","messageTimestamp":1717689097},"date_time":"2024-06-06T13:38:17.123Z",\
                "sender":"5511888888888@s.whatsapp.net","server_url":"https://evolution.example.com"}"""
                .formatted(phone, id, phone, text);
    }

    static String login() throws Exception {
        var email = System.getenv().getOrDefault("BENCH_ADMIN_EMAIL", "admin@whatpro.local");
        var password = System.getenv().getOrDefault("BENCH_ADMIN_PASSWORD",
                System.getenv("WHATPRO_BOOTSTRAP_ADMIN_PASSWORD"));
        if (password == null) {
            throw new IllegalStateException("set BENCH_ADMIN_PASSWORD (and BENCH_ADMIN_EMAIL) to a super_admin's");
        }
        var answer = send("POST", "/api/v1/auth/login", "{\"email\": \"%s\", \"password\": \"%s\"}"
                .formatted(email, password), null);
        return field(answer, "access_token");
    }

    static String account(String name) throws Exception {
        return field(call("POST", "/api/v1/accounts", "{\"name\": \"%s %d\", \"plan\": \"enterprise\"}"
                .formatted(name, System.currentTimeMillis())), "id");
    }

    /** Creates an Evolution provider and returns the path of its webhook URL. */
    static String provider(String account, String evolutionUrl) throws Exception {
        var answer = call("POST", "/api/v1/accounts/" + account + "/providers", """
                {"name": "bench %d", "type": "evolution", "base_url": "%s", "instance_name": "bench",
                 "credentials": {"api_key": "bench-key"}}""".formatted(System.nanoTime(), evolutionUrl));
        return URI.create(field(answer, "webhook_url")).getPath();
    }

    static String call(String method, String path, String body) throws Exception {
        return send(method, path, body, token);
    }

    static String send(String method, String path, String body, String bearer) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static String field(String json, String name) {
        var match = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
        if (!match.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return match.group(1);
    }

    /** Just enough of Chatwoot's Application API for the bridge, answering as Chatwoot does. */
    static final class FakeChatwoot {

        final HttpServer server;
        final Map<Integer, Long> received = new ConcurrentHashMap<>();
        final AtomicLong ids = new AtomicLong(1);
        final AtomicInteger slowPosts = new AtomicInteger();
        /** The Chatwoot account id whose calls are answered 200 ms late (0: none). */
        volatile long slowAccount;
        static final Pattern SEQ = Pattern.compile("\"content\":\"e2e (\\d+)\"");

        FakeChatwoot() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }

        void handle(HttpExchange exchange) throws IOException {
            var path = exchange.getRequestURI().getPath();
            var method = exchange.getRequestMethod();
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long id = ids.incrementAndGet();
            boolean slow = slowAccount != 0 && path.startsWith("/api/v1/accounts/" + slowAccount + "/");
            if (slow) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (path.endsWith("/messages") && method.equals("POST")) {
                    slowPosts.incrementAndGet();
                }
            }
            String answer;
            if (path.endsWith("/contacts/search")) {
                answer = "{\"meta\":{\"count\":0},\"payload\":[]}";
            } else if (path.endsWith("/contacts") && method.equals("POST")) {
                answer = ("{\"payload\":{\"contact\":{\"id\":%d,\"name\":\"b\",\"phone_number\":\"+1\","
                        + "\"contact_inboxes\":[]},\"contact_inbox\":{\"inbox\":{\"id\":1},\"source_id\":\"s%d\"}}}")
                        .formatted(id, id);
            } else if (path.endsWith("/conversations") && method.equals("GET")) {
                answer = "{\"payload\":[]}";
            } else if (path.endsWith("/conversations") && method.equals("POST")) {
                answer = "{\"id\":%d,\"inbox_id\":1,\"status\":\"open\",\"meta\":{\"sender\":{\"id\":1}}}".formatted(id);
            } else if (path.endsWith("/messages") && method.equals("POST")) {
                var seq = SEQ.matcher(body);
                if (seq.find()) {
                    received.putIfAbsent(Integer.parseInt(seq.group(1)), System.nanoTime());
                }
                answer = ("{\"id\":%d,\"conversation_id\":1,\"content\":\"x\",\"message_type\":0,\"private\":false,"
                        + "\"source_id\":null,\"status\":\"sent\",\"attachments\":[]}").formatted(id);
            } else if (path.endsWith("/messages")) {
                answer = "{\"meta\":{},\"payload\":[]}";
            } else {
                answer = "{}";
            }
            var bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }
    }
}
