package com.whatpro.hub.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 16 server run from the binaries on the classpath, keeping its data under a home directory so a
 * restart finds the same data.
 * <p>
 * Layout of the home directory: {@code bin/} (unpacked binaries, cached across runs), {@code data/} (PGDATA),
 * {@code superuser.password} (generated once, mode 0600), {@code postgres.log}, {@code run/} (unix socket) and
 * {@code .lock} (held while a server of this JVM uses the home). The server listens on 127.0.0.1 only and demands a
 * SCRAM password on every connection. When the JVM runs as root the server runs as the user {@code nobody}, as
 * PostgreSQL refuses to run as root.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String SERVER = "PostgreSQL";
    private static final String SUPERUSER = "whatpro";
    private static final int PASSWORD_LENGTH = 40;
    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
    private static final int PG_CTL_WAIT_SECONDS = 120;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHARED_MEMORY_WAIT = Duration.ofSeconds(30);
    /** {@code sun_path} holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;
    private static final String LONGEST_SOCKET_NAME = "/.s.PGSQL.65535";
    /** Characters that can go unquoted into pg_ctl's {@code -o} option, which passes through a shell. */
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9/._+-]+");
    /** Characters pg_ctl cannot protect inside the double quotes it puts around paths for its shell. */
    private static final Pattern UNQUOTABLE = Pattern.compile("[\"`$\\\\\\r\\n]");
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path home;
    private final Path installDir;
    private final Path dataDir;
    private final Path socketDir;
    private final boolean temporarySocketDir;
    private final int port;
    private final String password;
    private final ServerAccount account;
    private final HomeLock lock;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgres(Path home, Path installDir, Path socketDir, boolean temporarySocketDir, int port,
            String password, ServerAccount account, HomeLock lock) {
        this.home = home;
        this.installDir = installDir;
        this.dataDir = home.resolve("data");
        this.socketDir = socketDir;
        this.temporarySocketDir = temporarySocketDir;
        this.port = port;
        this.password = password;
        this.account = account;
        this.lock = lock;
        this.shutdownHook = new Thread(this::stopAtShutdown, "embedded-postgres-shutdown");
    }

    /** Starts a server on a free port with its data under {@code home}, initialising it on first use. */
    public static EmbeddedPostgres start(Path home) {
        return start(home, 0);
    }

    /**
     * Starts a server on {@code port} (0 picks a free one) with its data under {@code home}, initialising it on
     * first use.
     *
     * When the server's account (see {@link ServerAccount}) cannot enter {@code home}, the server keeps its files
     * under {@code /var/lib/whatpro} instead, and says where.
     *
     * @throws IllegalStateException when the server cannot be set up or started; the message tells why
     */
    public static EmbeddedPostgres start(Path home, int port) {
        return start(home, port, ServerAccount.FALLBACK_BASE);
    }

    static EmbeddedPostgres start(Path home, int port, Path fallbackBase) {
        Commands.requirePort(port);
        Path requested = home.toAbsolutePath().normalize();
        if (UNQUOTABLE.matcher(requested.toString()).find()) {
            throw new IllegalStateException("The embedded PostgreSQL cannot use " + requested + ": pg_ctl cannot "
                    + "quote the characters \" ` $ \\ or line breaks in paths. Set " + ServerAccount.DATA_DIR_SETTING
                    + " to a plainer path.");
        }
        ServerAccount account = ServerAccount.forThisProcess();
        Path root = account.reachableHome(requested, fallbackBase, SERVER);
        HomeLock lock = HomeLock.acquire(root, SERVER);
        try {
            EmbeddedPostgres postgres = launch(root, port, account, lock);
            try {
                Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                postgres.close();
                throw shutdownInProgress;
            }
            return postgres;
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + root, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The TCP port the server listens on, on {@link #host()} only. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1}: the server accepts no connections from other machines. */
    public String host() {
        return Commands.LOOPBACK;
    }

    /** The superuser created by initdb, {@code whatpro}. */
    public String superuser() {
        return SUPERUSER;
    }

    /** The superuser's password, kept in {@code superuser.password} in the home directory. */
    public String superuserPassword() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://%s:%d/%s"
                .formatted(host(), port, URLEncoder.encode(database, StandardCharsets.UTF_8));
    }

    /** Creates database {@code name}, owned by the superuser, unless it exists. */
    public void createDatabaseIfMissing(String name) {
        try (Connection connection = connect("postgres")) {
            try (var query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
                query.setString(1, name);
                try (var rows = query.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (var statement = connection.createStatement()) {
                statement.execute("create database " + quoteIdentifier(name));
                log.info("Created database {} in the embedded PostgreSQL", name);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently, fine
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " in the embedded PostgreSQL", e);
        }
    }

    /** Stops the server (fast shutdown: open transactions are rolled back) and waits until it is down. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the JVM is shutting down; the hook is running or will find this instance closed
        }
        try {
            stop();
        } finally {
            release();
        }
    }

    Path dataDirectory() {
        return dataDir;
    }

    Path socketDirectory() {
        return socketDir;
    }

    /** The process id in postmaster.pid, if there is one. */
    OptionalLong postmasterPid() {
        return readPid(dataDir.resolve("postmaster.pid"));
    }

    /** Lets go of the server without stopping it, as a JVM that dies does; for tests of the recovery paths. */
    void abandon() {
        if (closed.compareAndSet(false, true)) {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            lock.close();
        }
    }

    private void stopAtShutdown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Could not stop the embedded PostgreSQL at shutdown", e);
        } finally {
            release();
        }
    }

    private void stop() {
        OptionalLong pid = postmasterPid();
        if (pid.isEmpty() || !Commands.isRunning(pid.getAsLong())) {
            log.warn("The embedded PostgreSQL in {} was no longer running", dataDir);
            return;
        }
        Path logFile = home.resolve("postgres.log");
        long logOffset = Commands.size(logFile);
        Commands.Result result = pgCtl("stop", "-D", dataDir.toString(), "-m", "fast", "-w",
                "-t", Long.toString(STOP_TIMEOUT.toSeconds()));
        if (!result.succeeded()) {
            throw new IllegalStateException(
                    "Stopping the embedded PostgreSQL failed (pg_ctl exit %d):%n%s%n--- %s ---%n%s"
                    .formatted(result.exitCode(), Commands.tail(result.output()), logFile,
                            Commands.tail(logFile, logOffset)));
        }
        log.info("Stopped the embedded PostgreSQL in {}", dataDir);
    }

    private void release() {
        lock.close();
        if (temporarySocketDir) {
            try {
                PostgresBinaries.deleteTree(socketDir);
            } catch (IOException e) {
                log.debug("Could not remove the socket directory {}", socketDir, e);
            }
        }
    }

    private Commands.Result pgCtl(String... arguments) {
        return pgCtl(installDir, home, account, List.of(arguments), STOP_TIMEOUT.plusSeconds(30));
    }

    private Connection connect(String database) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", password);
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl(database), properties);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver did not accept " + jdbcUrl(database));
        }
        return connection;
    }

    private static String quoteIdentifier(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Not a database name: '" + name + "'");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    // ---------------------------------------------------------------------------------------------- start-up

    private static EmbeddedPostgres launch(Path root, int requestedPort, ServerAccount account, HomeLock lock)
            throws IOException {
        Path installDir = PostgresBinaries.unpack(root.resolve("bin"));
        Path data = root.resolve("data");
        Path passwordFile = root.resolve("superuser.password");
        Path logFile = root.resolve("postgres.log");
        boolean initialise = needsInitdb(data);
        if (!initialise && !Files.exists(passwordFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("The embedded PostgreSQL data in " + data + " exists but " + passwordFile
                    + " is missing, so the superuser cannot log in. Restore that file, or move " + data
                    + " away to start with an empty database.");
        }
        String password = readOrCreatePassword(passwordFile);
        prepareLog(logFile, account);
        if (initialise) {
            initdb(root, installDir, data, password, account);
        } else {
            account.ownTree(data);
            Files.setPosixFilePermissions(data, PRIVATE_DIR);
        }
        Path preferredSocketDir = root.resolve("run");
        boolean temporarySocketDir = !PLAIN_PATH.matcher(preferredSocketDir.toString()).matches()
                || (preferredSocketDir + LONGEST_SOCKET_NAME).getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH;
        Path socketDir = temporarySocketDir
                ? Files.createTempDirectory(Path.of("/tmp"), "whatpro-pg-")
                : Files.createDirectories(preferredSocketDir);
        try {
            account.own(socketDir);
            Files.setPosixFilePermissions(socketDir, PRIVATE_DIR);
            stopLeftoverServer(root, installDir, data, account);
            removeStaleSocketFiles(socketDir);
            int port = startServer(root, installDir, data, logFile, socketDir, requestedPort, account);
            var postgres = new EmbeddedPostgres(root, installDir, socketDir, temporarySocketDir, port, password,
                    account, lock);
            log.info("Embedded PostgreSQL {} listening on {}:{}, data in {}, running as {}",
                    PostgresBinaries.MAJOR_VERSION, Commands.LOOPBACK, port, data, account.describe());
            return postgres;
        } catch (IOException | RuntimeException e) {
            if (temporarySocketDir) {
                PostgresBinaries.deleteTree(socketDir);
            }
            throw e;
        }
    }

    /** Whether {@code data} has yet to be created; fails on a directory that is not PostgreSQL 16 data. */
    private static boolean needsInitdb(Path data) throws IOException {
        if (!Files.exists(data)) {
            return true;
        }
        Path versionFile = data.resolve("PG_VERSION");
        if (Files.isRegularFile(versionFile)) {
            String major = Files.readString(versionFile).strip();
            if (!major.equals(PostgresBinaries.MAJOR_VERSION)) {
                throw new IllegalStateException(
                        "%s holds PostgreSQL %s data, but the embedded server is PostgreSQL %s. "
                        .formatted(data, major, PostgresBinaries.MAJOR_VERSION)
                        + "Upgrade it with pg_upgrade or dump and restore it, or point "
                        + ServerAccount.DATA_DIR_SETTING + " elsewhere.");
            }
            return false;
        }
        try (Stream<Path> entries = Files.list(data)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(data);
                return true;
            }
        }
        throw new IllegalStateException(data + " is not empty but holds no PostgreSQL data (no PG_VERSION). Move it "
                + "away, or set " + ServerAccount.DATA_DIR_SETTING + " to another directory.");
    }

    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IllegalStateException(file + " must be a regular file, not a symbolic link");
        }
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PRIVATE_FILE);
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new IllegalStateException(file + " is empty; restore the superuser password into it");
            }
            return password;
        }
        var random = new SecureRandom();
        var password = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)]);
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        writePrivately(temporary, password + "\n");
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        log.info("Generated the embedded PostgreSQL superuser password into {}", file);
        return password.toString();
    }

    /** Writes {@code content} into a new file that only its owner can read, replacing whatever was there. */
    private static void writePrivately(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PRIVATE_FILE))) {
            channel.write(StandardCharsets.UTF_8.encode(content));
        }
    }

    private static void prepareLog(Path logFile, ServerAccount account) throws IOException {
        if (Files.isSymbolicLink(logFile)) {
            throw new IllegalStateException(logFile + " must be a regular file, not a symbolic link");
        }
        if (!Files.exists(logFile)) {
            Files.createFile(logFile, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        }
        account.own(logFile);
    }

    /** Creates the cluster in a staging directory renamed into place, so a crash never leaves half a cluster. */
    private static void initdb(Path root, Path installDir, Path data, String password, ServerAccount account)
            throws IOException {
        long started = System.nanoTime();
        Path staging = root.resolve("data.initdb");
        PostgresBinaries.deleteTree(staging);
        Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        account.own(staging);
        Path passwordFile = root.resolve("initdb.pwfile");
        Commands.Result result;
        try {
            writePrivately(passwordFile, password + "\n");
            account.own(passwordFile);
            result = Commands.run(account.command(List.of(
                    PostgresBinaries.executable(installDir, "initdb").toString(),
                    "-D", staging.toString(),
                    "-U", SUPERUSER,
                    "-E", "UTF8",
                    "--locale=C",
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    "--pwfile=" + passwordFile)), root, INITDB_TIMEOUT);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        if (!result.succeeded()) {
            PostgresBinaries.deleteTree(staging);
            throw new IllegalStateException("initdb failed (exit %d) for %s:%n%s"
                    .formatted(result.exitCode(), data, Commands.tail(result.output())));
        }
        Files.move(staging, data, StandardCopyOption.ATOMIC_MOVE);
        log.info("Initialised the embedded PostgreSQL data in {} in {} ms", data,
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Deals with a postmaster.pid left by an earlier run. This JVM holds the home lock, so no live instance uses
     * the data: a server still running there was orphaned by a JVM that died, and is stopped; a pid file whose
     * process is gone (or is now some other program) is stale, and is removed.
     */
    private static void stopLeftoverServer(Path root, Path installDir, Path data, ServerAccount account)
            throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        OptionalLong pid = readPid(pidFile);
        if (pid.isEmpty() || !Commands.isRunning(pid.getAsLong()) || !isPostmasterOf(pid.getAsLong(), data)) {
            // PostgreSQL itself would refuse a pid file whose process is a zombie (killed, not yet reaped) or whose
            // pid now belongs to another process. Removing the file also removes its shared-memory interlock, so
            // first wait until no process of the dead server (a backend still finishing) uses that memory.
            awaitSharedMemoryReleased(pidFile, account);
            log.info("Removing the stale {} of a server that is gone", pidFile);
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("A PostgreSQL server (pid {}) left running by an earlier run still uses {}; stopping it",
                pid.getAsLong(), data);
        for (String mode : List.of("fast", "immediate")) {
            Commands.Result result = pgCtl(installDir, root, account,
                    List.of("stop", "-D", data.toString(), "-m", mode, "-w",
                            "-t", Long.toString(STOP_TIMEOUT.toSeconds())),
                    STOP_TIMEOUT.plusSeconds(30));
            if (result.succeeded() || !Commands.isRunning(pid.getAsLong())) {
                return;
            }
            log.warn("pg_ctl stop -m {} failed: {}", mode, Commands.tail(result.output()));
        }
        throw new IllegalStateException(
                "Cannot stop the PostgreSQL server (pid %d) left running in %s; stop it and retry"
                .formatted(pid.getAsLong(), data));
    }

    private static void awaitSharedMemoryReleased(Path pidFile, ServerAccount account) throws IOException {
        OptionalLong segment = sharedMemorySegment(pidFile);
        if (segment.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + SHARED_MEMORY_WAIT.toNanos();
        while (attachedProcesses(segment.getAsLong()) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(("Processes of an earlier PostgreSQL server still use its shared "
                        + "memory (segment %d, see ipcs -m) though its postmaster is gone; stop those processes of %s "
                        + "before starting the embedded PostgreSQL on %s again.")
                        .formatted(segment.getAsLong(), account.describe(), pidFile.getParent()));
            }
            Commands.sleep(Duration.ofMillis(100));
        }
    }

    /** The System V shared memory id on line 7 of postmaster.pid ("key id"), if any. */
    private static OptionalLong sharedMemorySegment(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 7) {
            return OptionalLong.empty();
        }
        String[] fields = lines.get(6).strip().split("\\s+");
        return fields.length == 2 && fields[1].matches("\\d+")
                ? OptionalLong.of(Long.parseLong(fields[1]))
                : OptionalLong.empty();
    }

    /** How many processes are attached to shared memory segment {@code shmid}; 0 when it is gone. */
    private static int attachedProcesses(long shmid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/sysvipc/shm"))) {
            return lines.skip(1)
                    .map(line -> line.strip().split("\\s+"))
                    .filter(fields -> fields.length > 6 && fields[1].equals(Long.toString(shmid)))
                    .mapToInt(fields -> Integer.parseInt(fields[6]))
                    .findFirst()
                    .orElse(0);
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isPostmasterOf(long pid, Path data) {
        String commandLine = Commands.commandLine(pid);
        if (commandLine.contains("postgres") && commandLine.contains(data.toString())) {
            return true;
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).equals(data.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void removeStaleSocketFiles(Path socketDir) throws IOException {
        try (Stream<Path> entries = Files.list(socketDir)) {
            for (Path entry : entries.filter(path -> path.getFileName().toString().startsWith(".s.PGSQL.")).toList()) {
                Files.deleteIfExists(entry);
            }
        }
    }

    /** Starts the server with pg_ctl and waits until it accepts connections; returns its port. */
    private static int startServer(Path root, Path installDir, Path data, Path logFile, Path socketDir,
            int requestedPort, ServerAccount account) {
        long deadline = System.nanoTime() + Duration.ofSeconds(PG_CTL_WAIT_SECONDS).toNanos();
        for (int attempt = 1; ; attempt++) {
            int port = requestedPort != 0 ? requestedPort : Commands.freePort();
            long logOffset = Commands.size(logFile);
            Commands.Result result = pgCtl(installDir, root, account, List.of(
                    "start",
                    "-D", data.toString(),
                    "-l", logFile.toString(),
                    "-w", "-t", Integer.toString(PG_CTL_WAIT_SECONDS),
                    "-o", "-c listen_addresses=%s -p %d -k %s".formatted(Commands.LOOPBACK, port, socketDir)),
                    Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30));
            if (result.succeeded()) {
                return port;
            }
            String logTail = Commands.tail(logFile, logOffset);
            if (requestedPort == 0 && attempt < 5 && logTail.contains("could not bind")) {
                log.debug("Port {} was taken in the meantime; trying another one", port);
                continue;
            }
            if (logTail.contains("pre-existing shared memory block") && System.nanoTime() < deadline) {
                log.debug("Processes of a killed server still hold its shared memory; waiting for them to exit");
                Commands.sleep(Duration.ofMillis(200));
                continue;
            }
            stopHalfStartedServer(root, installDir, data, account);
            throw new IllegalStateException(
                    "Starting the embedded PostgreSQL failed (pg_ctl exit %d):%n%s%n--- %s ---%n%s"
                    .formatted(result.exitCode(), Commands.tail(result.output()), logFile, logTail));
        }
    }

    /** After a failed start (e.g. a wait that timed out), makes sure no server stays behind. */
    private static void stopHalfStartedServer(Path root, Path installDir, Path data, ServerAccount account) {
        OptionalLong pid = readPid(data.resolve("postmaster.pid"));
        if (pid.isPresent() && Commands.isRunning(pid.getAsLong()) && isPostmasterOf(pid.getAsLong(), data)) {
            pgCtl(installDir, root, account, List.of("stop", "-D", data.toString(), "-m", "immediate", "-w"),
                    STOP_TIMEOUT.plusSeconds(30));
        }
    }

    private static Commands.Result pgCtl(Path installDir, Path root, ServerAccount account, List<String> arguments,
            Duration timeout) {
        var command = new ArrayList<String>();
        command.add(PostgresBinaries.executable(installDir, "pg_ctl").toString());
        command.addAll(arguments);
        return Commands.run(account.command(command), root, timeout);
    }

    private static OptionalLong readPid(Path pidFile) {
        try (Stream<String> lines = Files.lines(pidFile)) {
            return lines.findFirst().map(String::strip).filter(line -> line.matches("\\d+"))
                    .map(line -> OptionalLong.of(Long.parseLong(line))).orElse(OptionalLong.empty());
        } catch (IOException | UncheckedIOException e) {
            return OptionalLong.empty();
        }
    }
}
