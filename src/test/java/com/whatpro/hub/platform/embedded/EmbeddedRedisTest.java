package com.whatpro.hub.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisTest {

    @TempDir
    Path tempDir;

    Path home;

    @BeforeEach
    void letTheServerUserIn() throws IOException {
        // see EmbeddedPostgresTest: as root the server runs as 'nobody', which must pass through the temp dir
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
        home = tempDir.resolve("redis");
    }

    @Test
    void answersPingOnLoopbackAndStops() throws IOException {
        int port;
        try (var redis = EmbeddedRedis.start(home)) {
            port = redis.port();
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + port);

            assertThat(send(port, "PING")).containsExactly("+PONG");

            redis.close();
            redis.close(); // idempotent
        }
        assertThatThrownBy(() -> send(port, "PING")).isInstanceOf(ConnectException.class);
    }

    @Test
    void keepsNothingOnDisk() throws IOException {
        try (var redis = EmbeddedRedis.start(home)) {
            assertThat(send(redis.port(), "CONFIG GET save")).containsExactly("*2", "$4", "save", "$0", "");
            assertThat(send(redis.port(), "CONFIG GET appendonly"))
                    .containsExactly("*2", "$10", "appendonly", "$2", "no");
            assertThat(send(redis.port(), "CONFIG GET bind")).containsExactly("*2", "$4", "bind", "$9", "127.0.0.1");
            assertThat(send(redis.port(), "CONFIG GET dir")).last().isEqualTo(home.toRealPath().toString());
        }
        try (var files = Files.list(home)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(".rdb") || name.endsWith(".aof"));
        }
    }

    @Test
    void runsServerAsUnprivilegedUserWhenRoot() {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        try (var redis = EmbeddedRedis.start(home)) {
            ProcessHandle process = redis.process().orElseThrow();
            assertThat(process.info().user()).isPresent().get().isNotEqualTo("root");
        }
    }

    @Test
    void keepsItsFilesWhereTheServerUserCanReachThemWhenRoot() throws IOException {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        Path closed = Files.createDirectory(tempDir.resolve("root"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path requested = closed.resolve(".whatpro/redis");
        Path fallbackBase = tempDir.resolve("var-lib-whatpro");

        try (var redis = EmbeddedRedis.start(requested, 0, fallbackBase)) {
            assertThat(send(redis.port(), "PING")).containsExactly("+PONG");
            Path location = ServerAccount.relocation(requested, fallbackBase);
            assertThat(Path.of("/proc", Long.toString(redis.process().orElseThrow().pid()), "cwd").toRealPath())
                    .isEqualTo(location.toRealPath());
            assertThat(Files.readString(requested.resolve(ServerAccount.LOCATION_NOTE))).contains(location.toString());
        }
    }

    @Test
    void stopsServerLeftRunningByCrashedRun() throws IOException {
        var crashed = EmbeddedRedis.start(home);
        ProcessHandle orphan = crashed.process().orElseThrow();
        crashed.abandon(); // the JVM "dies": its lock goes, the server keeps running

        try (var redis = EmbeddedRedis.start(home)) {
            assertThat(orphan.isAlive()).isFalse();
            assertThat(send(redis.port(), "PING")).containsExactly("+PONG");
        }
    }

    /** Sends one inline command and reads the reply's lines (RESP), enough for the short replies used here. */
    private static List<String> send(int port, String command) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            var lines = new ArrayList<String>();
            String first = in.readLine();
            lines.add(first);
            if (first.startsWith("*")) {
                int elements = Integer.parseInt(first.substring(1));
                for (int i = 0; i < elements * 2; i++) {
                    lines.add(in.readLine());
                }
            }
            return lines;
        }
    }
}
