package com.whatpro.hub.platform.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * A Redis server (the binary shipped with codemonstur's embedded-redis) bound to 127.0.0.1, working in a home
 * directory, without persistence: Redis only holds rate-limit buckets and wake-up signals, PostgreSQL is the
 * source of truth. When the JVM runs as root the server runs as the user {@code nobody}.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    private static final String SERVER = "Redis";
    private static final String PID_FILE = "redis.pid";
    private static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final RedisServer server;
    private final int port;
    private final Path home;
    private final HomeLock lock;
    private final @Nullable ProcessHandle process;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRedis(RedisServer server, int port, Path home, HomeLock lock, @Nullable ProcessHandle process) {
        this.server = server;
        this.port = port;
        this.home = home;
        this.lock = lock;
        this.process = process;
    }

    /** Starts a server on a free port, working in {@code home}. */
    public static EmbeddedRedis start(Path home) {
        return start(home, 0);
    }

    /**
     * Starts a server on {@code port} (0 picks a free one), working in {@code home}.
     *
     * @throws IllegalStateException when the server cannot be started; the message tells why
     */
    public static EmbeddedRedis start(Path home, int port) {
        return start(home, port, ServerAccount.FALLBACK_BASE);
    }

    /** As {@link #start(Path, int)}, moving to a directory under {@code fallbackBase} when {@code home} is out of reach. */
    static EmbeddedRedis start(Path home, int port, Path fallbackBase) {
        Commands.requirePort(port);
        ServerAccount account = ServerAccount.forThisProcess();
        Path root = account.reachableHome(home.toAbsolutePath().normalize(), fallbackBase, SERVER);
        HomeLock lock = HomeLock.acquire(root, SERVER);
        try {
            stopLeftoverServer(root);
            Path binary = binary(root.resolve("bin"));
            for (int attempt = 1; ; attempt++) {
                int actualPort = port != 0 ? port : Commands.freePort();
                List<String> command = account.command(List.of(binary.toString(),
                        "--port", Integer.toString(actualPort),
                        "--bind", Commands.LOOPBACK,
                        "--protected-mode", "yes",
                        "--daemonize", "no",
                        "--set-proc-title", "no", // keep the full command line, by which a leftover is recognised
                        "--dir", root.toString(),
                        "--save", "",
                        "--appendonly", "no"));
                var server = new RedisServer(actualPort, command, false,
                        line -> log.debug("redis: {}", line), line -> log.warn("redis: {}", line));
                try {
                    server.start();
                } catch (IOException e) {
                    if (port == 0 && attempt < 5 && messages(e).contains("Address already in use")) {
                        continue;
                    }
                    throw new IllegalStateException("Starting the embedded Redis on %s:%d failed: %s"
                            .formatted(Commands.LOOPBACK, actualPort, messages(e)), e);
                }
                ProcessHandle process = findChild(binary, actualPort).orElse(null);
                if (process != null) {
                    Files.writeString(root.resolve(PID_FILE), process.pid() + "\n", StandardCharsets.UTF_8);
                }
                log.info("Embedded Redis listening on {}:{}, running as {}", Commands.LOOPBACK, actualPort,
                        account.describe());
                return new EmbeddedRedis(server, actualPort, root, lock, process);
            }
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("Cannot start the embedded Redis in " + root, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The TCP port the server listens on, on 127.0.0.1 only. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}; the server demands no password, it is reachable from this machine only. */
    public String url() {
        return "redis://%s:%d".formatted(Commands.LOOPBACK, port);
    }

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop();
            Files.deleteIfExists(home.resolve(PID_FILE));
            log.info("Stopped the embedded Redis on port {}", port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the embedded Redis on port " + port, e);
        } finally {
            lock.close();
        }
    }

    /** Lets go of the server without stopping it, as a JVM that dies does; for tests of the recovery path. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            lock.close();
        }
    }

    /** The server process, when it could be identified among this JVM's children. */
    Optional<ProcessHandle> process() {
        return Optional.ofNullable(process);
    }

    /** Copies the binary out of the jar once; a temporary file renamed into place is never seen half-written. */
    private static Path binary(Path binDir) throws IOException {
        String resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
        if (resource == null) {
            throw new IllegalStateException("The embedded Redis has no binary for " + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch") + ". Set WHATPRO_REDIS_URL to use an external Redis.");
        }
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        Path binary = binDir.resolve(name);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(binDir);
        Path temporary = Files.createTempFile(binDir, name + ".", ".tmp");
        String absolute = resource.startsWith("/") ? resource : "/" + resource;
        try (InputStream in = RedisServer.class.getResourceAsStream(absolute)) {
            if (in == null) {
                throw new IllegalStateException("The embedded-redis jar lacks " + resource);
            }
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(binDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temporary, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return binary;
    }

    private static Optional<ProcessHandle> findChild(Path binary, int port) {
        String name = binary.getFileName().toString();
        String portArgument = "--port " + port + " ";
        return ProcessHandle.current().children()
                .filter(child -> {
                    String commandLine = Commands.commandLine(child.pid());
                    return commandLine.contains(name) && commandLine.contains(portArgument);
                })
                .findFirst();
    }

    /** Stops a server that a JVM which died left running in this home (this JVM holds the home lock). */
    private static void stopLeftoverServer(Path root) throws IOException {
        Path pidFile = root.resolve(PID_FILE);
        if (Files.isSymbolicLink(pidFile) || !Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        OptionalLong pid = parsePid(Files.readString(pidFile, StandardCharsets.UTF_8));
        if (pid.isPresent() && Commands.isRunning(pid.getAsLong())
                && Commands.commandLine(pid.getAsLong()).contains("redis-server")
                && Commands.commandLine(pid.getAsLong()).contains(" --dir " + root + " ")) {
            log.warn("Stopping a Redis server (pid {}) left running in {} by an earlier run", pid.getAsLong(), root);
            ProcessHandle.of(pid.getAsLong()).ifPresent(leftover -> {
                leftover.destroy();
                long deadline = System.nanoTime() + LEFTOVER_STOP_TIMEOUT.toNanos();
                while (Commands.isRunning(leftover.pid()) && System.nanoTime() < deadline) {
                    Commands.sleep(Duration.ofMillis(20));
                }
                if (Commands.isRunning(leftover.pid())) {
                    leftover.destroyForcibly();
                }
            });
        }
        Files.deleteIfExists(pidFile);
    }

    private static OptionalLong parsePid(String text) {
        String line = text.strip();
        return line.matches("\\d+") ? OptionalLong.of(Long.parseLong(line)) : OptionalLong.empty();
    }

    private static String messages(Throwable e) {
        var messages = new ArrayList<String>();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
        }
        return String.join(": ", messages);
    }
}
