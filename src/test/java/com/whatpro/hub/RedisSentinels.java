package com.whatpro.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

/**
 * A Redis primary, one replica and three Sentinels on free loopback ports, made of this machine's
 * {@code redis-server} and {@code redis-sentinel}: the set-up a deployment with Sentinel runs, small. Closing it
 * kills every process it started.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "whatpro";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final int primaryPort;
    private final int replicaPort;
    private Process primary;

    /** True when this machine has both programs (Debian: the packages redis-server and redis-sentinel). */
    public static boolean installed() {
        return onPath("redis-server") && onPath("redis-sentinel") && onPath("redis-cli");
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    public static RedisSentinels start() throws IOException {
        return new RedisSentinels(TestInfrastructure.scratch("sentinels-" + System.nanoTime()));
    }

    private RedisSentinels(Path dir) throws IOException {
        this.dir = dir;
        this.primaryPort = freePort();
        this.replicaPort = freePort();
        try {
            primary = server(primaryPort, null);
            server(replicaPort, primaryPort);
            awaitReplicaInSync();
            for (int i = 0; i < 3; i++) {
                var port = freePort();
                sentinelPorts.add(port);
                var config = dir.resolve("sentinel-" + port + ".conf");
                Files.writeString(config, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + dir,
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 10000",
                        "sentinel parallel-syncs " + MASTER + " 1", ""));
                launch(port, "redis-sentinel", config.toString());
            }
            awaitSentinelsKnowEachOther();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The URL the service is configured with: {@code redis-sentinel://host:port,host:port,host:port#master}. */
    public String url() {
        return "redis-sentinel://" + sentinelPorts.stream().map(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(",")) + "#" + MASTER;
    }

    public int primaryPort() {
        return primaryPort;
    }

    public int replicaPort() {
        return replicaPort;
    }

    /** Kills the primary outright (SIGKILL), as a crashed machine would vanish. */
    public void killPrimary() throws InterruptedException {
        primary.destroyForcibly();
        primary.waitFor(10, TimeUnit.SECONDS);
    }

    /** The port of the primary the Sentinels name now. */
    public int currentPrimaryPort() {
        return sentinel(0, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER).lines().skip(1).findFirst()
                .map(Integer::parseInt).orElseThrow();
    }

    /** A connection straight to the Redis on {@code port}. */
    public static RedisClient direct(int port) {
        return RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(2)).build());
    }

    private Process server(int port, Integer replicaOf) throws IOException {
        var command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump-" + port + ".rdb"));
        if (replicaOf != null) {
            command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(replicaOf)));
        }
        return launch(port, command.toArray(String[]::new));
    }

    private Process launch(int port, String... command) throws IOException {
        var process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        processes.add(process);
        poll(Duration.ofSeconds(10), () -> cli(port, "PING").strip().equals("PONG"), "redis on port " + port);
        return process;
    }

    private void awaitReplicaInSync() {
        poll(Duration.ofSeconds(15), () -> cli(replicaPort, "INFO", "replication").contains("master_link_status:up"),
                "the replica to sync with the primary");
    }

    private void awaitSentinelsKnowEachOther() {
        poll(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < sentinelPorts.size(); i++) {
                var master = sentinel(i, "SENTINEL", "MASTER", MASTER);
                if (!field(master, "num-other-sentinels").equals("2") || !field(master, "num-slaves").equals("1")) {
                    return false;
                }
            }
            return true;
        }, "the Sentinels to find each other and the replica");
    }

    private static String field(String reply, String name) {
        var lines = reply.lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals(name)) {
                return lines.get(i + 1);
            }
        }
        return "";
    }

    private String sentinel(int index, String... command) {
        return cli(sentinelPorts.get(index), command);
    }

    /** Runs redis-cli against {@code port}; empty when the server does not answer. */
    static String cli(int port, String... command) {
        var arguments = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        arguments.addAll(List.of(command));
        try {
            var process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
            var out = new String(process.getInputStream().readAllBytes());
            return process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Checks {@code condition} every 50 ms until it holds; fails after {@code timeout}. */
    public static void poll(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        poll(timeout, condition, () -> what);
    }

    /** As above, with the description made when it fails (it may say what was seen last). */
    public static void poll(Duration timeout, java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> what) {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet
                if (Boolean.getBoolean("debug.poll")) e.printStackTrace();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " for " + what.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (var process : processes) {
            process.destroyForcibly();
        }
        for (var process : processes) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
