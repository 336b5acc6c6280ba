package com.whatpro.hub.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    /** Holds a home prepared by a first start, copied by the tests that start from an existing cluster. */
    @TempDir
    static Path shared;

    private static @Nullable Path preparedHome;

    @TempDir
    Path tempDir;

    Path home;

    @BeforeEach
    void letTheServerUserIn() throws IOException {
        // A JUnit temp dir is private to its owner (rwx------). When the tests run as root, the server runs as
        // 'nobody', which must be able to pass through it to reach its home.
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
        home = tempDir.resolve("postgres");
    }

    @Test
    void keepsDataAcrossRestart() throws SQLException, IOException {
        try (var postgres = EmbeddedPostgres.start(home)) {
            postgres.createDatabaseIfMissing("whatpro");
            postgres.createDatabaseIfMissing("whatpro"); // exists now: nothing happens
            execute(postgres, "create table notes (body text)", "insert into notes values ('kept')");
            postgres.close();
            postgres.close();
        }

        assertThat(home.resolve("data/PG_VERSION")).hasContent("16");
        assertThat(home.resolve("superuser.password")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(home.resolve("superuser.password")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(home.resolve("postgres.log")).isRegularFile();
        try (var postgres = EmbeddedPostgres.start(home)) {
            assertThat(postgres.superuserPassword()).hasSizeGreaterThanOrEqualTo(32)
                    .isEqualTo(Files.readString(home.resolve("superuser.password")).strip());
            assertThat(query(postgres, "whatpro", "select body from notes")).containsExactly("kept");
        }
    }

    @Test
    void refusesPasswordlessHostConnections() throws SQLException, IOException {
        givenAnInitialisedHome();
        try (var postgres = EmbeddedPostgres.start(home)) {
            String url = postgres.jdbcUrl("postgres");

            assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.superuser(), "wrong-password"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01"); // invalid_password
            assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.superuser(), ""))
                    .isInstanceOf(SQLException.class);
            try (Connection connection = connect(postgres, "postgres")) {
                assertThat(connection.isValid(1)).isTrue();
            }
            assertThat(query(postgres, "postgres", "select auth_method from pg_hba_file_rules where type = 'host'"))
                    .isNotEmpty().containsOnly("scram-sha-256");
        }
    }

    @Test
    void recoversFromStalePidFile() throws SQLException, IOException {
        givenAnInitialisedHome();
        var postgres = EmbeddedPostgres.start(home);
        execute(postgres, "create table notes (body text)", "insert into notes values ('survived')");
        long pid = postgres.postmasterPid().orElseThrow();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, as if the machine killed it
        awaitGone(pid);
        postgres.close(); // finds the server gone and leaves its postmaster.pid behind, like a JVM that died
        assertThat(postgres.dataDirectory().resolve("postmaster.pid")).exists();

        try (var restarted = EmbeddedPostgres.start(home)) {
            assertThat(restarted.postmasterPid().orElseThrow()).isNotEqualTo(pid);
            assertThat(query(restarted, "whatpro", "select body from notes")).containsExactly("survived");
        }
    }

    @Test
    void stopsServerLeftRunningByCrashedRun() throws SQLException, IOException {
        givenAnInitialisedHome();
        var postgres = EmbeddedPostgres.start(home);
        execute(postgres, "create table notes (body text)", "insert into notes values ('kept')");
        long orphan = postgres.postmasterPid().orElseThrow();
        postgres.abandon(); // the JVM "dies": its lock goes, the server keeps running

        try (var restarted = EmbeddedPostgres.start(home)) {
            assertThat(Commands.isRunning(orphan)).isFalse();
            assertThat(restarted.postmasterPid().orElseThrow()).isNotEqualTo(orphan);
            assertThat(query(restarted, "whatpro", "select body from notes")).containsExactly("kept");
        }
    }

    @Test
    void refusesSecondInstanceOnSameHome() throws IOException {
        givenAnInitialisedHome();
        try (var postgres = EmbeddedPostgres.start(home)) {
            assertThatThrownBy(() -> EmbeddedPostgres.start(home))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
            assertThat(postgres.postmasterPid()).isPresent();
        }
    }

    @Test
    void explainsFailedStartWithServerLog() throws IOException {
        givenAnInitialisedHome();
        try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EmbeddedPostgres.start(home, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pg_ctl")
                    .hasMessageContaining("could not bind");
        }
    }

    @Test
    void fallsBackToShortSocketDirForLongHome() throws IOException {
        Path deep = tempDir.resolve("a-directory-name-long-enough-to-push-the-unix-socket-path-beyond-its-limit");
        home = deep.resolve("postgres");
        givenAnInitialisedHome();

        Path socketDir;
        try (var postgres = EmbeddedPostgres.start(home)) {
            socketDir = postgres.socketDirectory();
            assertThat(socketDir.toString()).startsWith("/tmp/whatpro-pg-").hasSizeLessThan(40);
            assertThat(socketDir.resolve(".s.PGSQL." + postgres.port())).exists();
        }
        assertThat(socketDir).doesNotExist();
    }

    @Test
    void runsServerAsUnprivilegedUserWhenRoot() throws Exception {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        givenAnInitialisedHome();
        try (var postgres = EmbeddedPostgres.start(home)) {
            assertThat(query(postgres, "postgres", "select current_setting('data_directory')"))
                    .containsExactly(postgres.dataDirectory().toString());

            long pid = postgres.postmasterPid().orElseThrow();
            String uidLine = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uidLine.split("\\s+")[1]).isNotEqualTo("0");
            assertThat(ProcessHandle.of(pid).orElseThrow().info().user()).isPresent().get().isNotEqualTo("root");
            assertThat(Files.getAttribute(postgres.dataDirectory(), "unix:uid")).isNotEqualTo(0);
        }
    }

    @Test
    void keepsItsFilesWhereTheServerUserCanReachThemWhenRoot() throws SQLException, IOException {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        // as a clone under /root: the data dir lies below a directory only root may enter
        Path closed = Files.createDirectory(tempDir.resolve("root"), privateToRoot());
        Path requested = closed.resolve("whatpro-hub/.whatpro/postgres");
        Path fallbackBase = tempDir.resolve("var-lib-whatpro");

        Path dataDir;
        try (var postgres = EmbeddedPostgres.start(requested, 0, fallbackBase)) {
            dataDir = postgres.dataDirectory();
            execute(postgres, "create table notes (body text)", "insert into notes values ('kept')");
        }

        assertThat(dataDir).startsWith(fallbackBase).endsWith(Path.of("postgres/data"));
        assertThat(dataDir.resolve("PG_VERSION")).hasContent("16");
        assertThat(Files.getAttribute(dataDir, "unix:uid")).isNotEqualTo(0);
        assertThat(requested.resolve("data")).doesNotExist();
        assertThat(Files.readString(requested.resolve(ServerAccount.LOCATION_NOTE)))
                .contains(dataDir.getParent().toString()).contains(closed.toString());
        try (var postgres = EmbeddedPostgres.start(requested, 0, fallbackBase)) {
            assertThat(postgres.dataDirectory()).isEqualTo(dataDir);
            assertThat(query(postgres, "whatpro", "select body from notes")).containsExactly("kept");
        }
    }

    @Test
    void explainsDataDirTheServerUserCannotReachWhenTheFallbackIsClosedTooAsRoot() throws IOException {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        Path closed = Files.createDirectory(tempDir.resolve("closed"), privateToRoot());
        Path closedFallback = Files.createDirectory(tempDir.resolve("closed-fallback"), privateToRoot());

        assertThatThrownBy(() -> EmbeddedPostgres.start(closed.resolve("postgres"), 0, closedFallback))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nobody")
                .hasMessageContaining(closedFallback.toString())
                .hasMessageContaining("WHATPRO_DATA_DIR");
    }

    @Test
    void neverLeavesExistingDataBehindAnUnreachableDirectoryAsRoot() throws IOException {
        assumeThat(ServerAccount.currentUid()).as("runs as root").isZero();
        Path closed = Files.createDirectory(tempDir.resolve("closed"), privateToRoot());
        Files.createDirectories(closed.resolve("postgres/data"));
        Path fallbackBase = tempDir.resolve("var-lib-whatpro");

        assertThatThrownBy(() -> EmbeddedPostgres.start(closed.resolve("postgres"), 0, fallbackBase))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nobody")
                .hasMessageContaining(closed.toString())
                .hasMessageContaining("WHATPRO_DATA_DIR");
        assertThat(fallbackBase).doesNotExist();
    }

    private static java.nio.file.attribute.FileAttribute<?> privateToRoot() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * A home as a first start leaves it (binaries unpacked, cluster initialised, database {@code whatpro} created),
     * so the test pays only for a restart. Unpacking and initdb run once per class; {@code keepsDataAcrossRestart}
     * covers them on a fresh home.
     */
    private void givenAnInitialisedHome() throws IOException {
        synchronized (EmbeddedPostgresTest.class) {
            if (preparedHome == null) {
                Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx--x--x"));
                Path prepared = shared.resolve("postgres");
                try (var postgres = EmbeddedPostgres.start(prepared)) {
                    postgres.createDatabaseIfMissing("whatpro");
                }
                preparedHome = prepared;
            }
        }
        Files.createDirectories(home.getParent());
        copyHome(preparedHome, home);
    }

    /** Copies a home, owners and modes included; the binaries are hard-linked, as they are only read. */
    private static void copyHome(Path source, Path target) throws IOException {
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(path));
                } else if (Files.isRegularFile(path) && path.startsWith(source.resolve("bin"))) {
                    Files.createLink(copy, path);
                } else {
                    Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void awaitGone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Commands.isRunning(pid)) {
            assertThat(System.nanoTime()).as("process %d exits", pid).isLessThan(deadline);
            Commands.sleep(Duration.ofMillis(20));
        }
    }

    private static Connection connect(EmbeddedPostgres postgres, String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.superuser(),
                postgres.superuserPassword());
    }

    /** Runs {@code statements} in database {@code whatpro}, creating it first if needed. */
    private static void execute(EmbeddedPostgres postgres, String... statements) throws SQLException {
        postgres.createDatabaseIfMissing("whatpro");
        try (Connection connection = connect(postgres, "whatpro"); var statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static List<String> query(EmbeddedPostgres postgres, String database, String sql) throws SQLException {
        try (Connection connection = connect(postgres, database);
                var rows = connection.createStatement().executeQuery(sql)) {
            var values = new ArrayList<String>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
