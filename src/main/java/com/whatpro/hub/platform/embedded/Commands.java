package com.whatpro.hub.platform.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Small process, file and port helpers shared by the embedded launchers. */
final class Commands {

    static final String LOOPBACK = "127.0.0.1";

    private static final int TAIL_LINES = 25;

    private Commands() {
    }

    record Result(int exitCode, String output) {

        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code command} in {@code workDir} with stdin closed and stdout+stderr captured, waiting at most
     * {@code timeout}. PG* variables of this process are not passed on, so they cannot redirect the tools.
     */
    static Result run(List<String> command, Path workDir, Duration timeout) {
        var builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.getFirst(), e);
        }
        var output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("embedded-command-output").start(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException ignored) {
                // the process went away; what was read so far is kept
            }
        });
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout)) {
                process.destroyForcibly();
                throw new IllegalStateException("%s did not finish within %s:%n%s"
                        .formatted(String.join(" ", command), timeout, tail(output.toString(StandardCharsets.UTF_8))));
            }
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.getFirst(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    /** The last lines of {@code text}. */
    static String tail(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    /** The last lines written to {@code file} after byte offset {@code from}; empty if it cannot be read. */
    static String tail(Path file, long from) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int start = (int) Math.min(Math.max(from, 0), bytes.length);
            return tail(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** A TCP port that is free on the loopback address right now. */
    static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
        }
    }

    static void requirePort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 (pick a free one) and 65535, was " + port);
        }
    }

    /** The process state letter from /proc (R, S, D, Z, ...), or empty when there is no such process. */
    static Optional<Character> processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName < 0 || afterName + 2 >= stat.length()
                    ? Optional.empty()
                    : Optional.of(stat.charAt(afterName + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code pid} is a running process (a zombie, killed but not yet reaped, is not). */
    static boolean isRunning(long pid) {
        return processState(pid).filter(state -> state != 'Z' && state != 'X').isPresent();
    }

    /** The command line of {@code pid}, arguments separated by spaces, or empty when unreadable. */
    static String commandLine(long pid) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
