package com.whatpro.hub.kanban;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A minimal Server-Sent Events reader, as a browser's EventSource would read the stream. */
public final class SseClient implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record Event(String id, String name, String data) {
        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean closed;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    public static SseClient open(int port, String path, String token, String lastEventId) throws Exception {
        return open(port, path, Map.of("Authorization", "Bearer " + token), lastEventId);
    }

    /** Opens the stream with these request headers (a bearer token, or a browser's cookies). */
    public static SseClient open(int port, String path, Map<String, String> headers, String lastEventId)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        headers.forEach(request::header);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        var response = CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            var body = new String(response.body().readAllBytes());
            throw new AssertionError("stream refused: " + response.statusCode() + " " + body);
        }
        var client = new SseClient(response);
        client.comment("connected", Duration.ofSeconds(5));
        return client;
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body()))) {
            String id = "";
            String name = "message";
            var data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        received.add(new Event(id, name, data.toString()));
                    }
                    id = "";
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    received.add(line.substring(1).strip());
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
                }
            }
            received.add(Ended.INSTANCE);
        } catch (IOException e) {
            if (!closed) {
                received.add(Ended.INSTANCE);
            }
        }
    }

    private enum Ended { INSTANCE }

    /** The next event matching the filter (others are skipped); fails after the timeout. */
    public Event next(Predicate<Event> wanted, Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var left = deadline - System.nanoTime();
            var item = received.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("no matching event within " + timeout);
            }
            if (item == Ended.INSTANCE) {
                throw new AssertionError("the stream ended");
            }
            if (item instanceof Event event && wanted.test(event)) {
                return event;
            }
        }
    }

    public Event next(String name, Duration timeout) throws InterruptedException {
        return next(event -> event.name().equals(name), timeout);
    }

    void comment(String text, Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var item = received.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("no comment '" + text + "' within " + timeout);
            }
            if (item == Ended.INSTANCE) {
                throw new AssertionError("the stream ended");
            }
            if (text.equals(item)) {
                return;
            }
        }
    }

    /** Waits for the server to end the stream and answers the events it sent before that. */
    public List<Event> untilEnded(Duration timeout) throws InterruptedException {
        var events = new ArrayList<Event>();
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var item = received.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("the stream did not end within " + timeout + "; it sent " + events);
            }
            if (item == Ended.INSTANCE) {
                return events;
            }
            if (item instanceof Event event) {
                events.add(event);
            }
        }
    }

    /** Waits for the server to end the stream. */
    void ended(Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var item = received.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("the stream did not end within " + timeout);
            }
            if (item == Ended.INSTANCE) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            response.body().close();
        } catch (IOException e) {
            // gone already
        }
        reader.interrupt();
    }
}
