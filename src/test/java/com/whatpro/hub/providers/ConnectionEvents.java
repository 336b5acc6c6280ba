package com.whatpro.hub.providers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A number's {@code connection.updated} stream, read as a browser's EventSource would. */
final class ConnectionEvents implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private ConnectionEvents(HttpResponse<InputStream> response) {
        this.response = response;
        Thread.ofVirtual().start(this::read);
    }

    static ConnectionEvents open(int port, String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        var response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new AssertionError("stream refused: " + response.statusCode() + " "
                    + new String(response.body().readAllBytes()));
        }
        return new ConnectionEvents(response);
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(response.body()))) {
            String name = "message";
            var data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty() && name.equals("connection.updated")) {
                        received.add(JSON.readTree(data.toString()));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            ended.countDown();
        } catch (IOException e) {
            // closed
        }
    }

    /** The next connection.updated event that matches; others are skipped. */
    JsonNode next(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var event = received.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no matching connection.updated event within " + timeout);
            }
            if (wanted.test(event)) {
                return event;
            }
        }
    }

    /** Waits for the server to end the stream and answers the events it sent that {@link #next} did not take. */
    List<JsonNode> untilEnded(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("the stream did not end within " + timeout + "; it sent " + received);
        }
        var rest = new ArrayList<JsonNode>();
        received.drainTo(rest);
        return rest;
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
