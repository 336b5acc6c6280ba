package com.whatpro.hub.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating-system account the embedded servers run as.
 * <p>
 * PostgreSQL refuses to run as root, and a database or cache server should not run as root anyway. When this JVM
 * runs as root, the servers are started as the unprivileged user {@code nobody} through {@code setpriv}; otherwise
 * they run as the current user, directly.
 */
final class ServerAccount {

    static final String DATA_DIR_SETTING = "WHATPRO_DATA_DIR";

    /** Where a server keeps its files when its account cannot reach the data dir it was given. */
    static final Path FALLBACK_BASE = Path.of("/var/lib/whatpro");

    /** Left in the data dir the server was given, naming where its files are instead. */
    static final String LOCATION_NOTE = "LOCATION.txt";

    private static final Logger log = LoggerFactory.getLogger(ServerAccount.class);
    private static final int DIGEST_CHARACTERS = 16;

    private static final String UNPRIVILEGED_USER = "nobody";
    private static final int FALLBACK_ID = 65534;
    private static final List<Path> SETPRIV_LOCATIONS = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private final boolean switchesUser;
    private final String name;
    private final int uid;
    private final int gid;

    private ServerAccount(boolean switchesUser, String name, int uid, int gid) {
        this.switchesUser = switchesUser;
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /** The account for servers started by this JVM: {@code nobody} when running as root, else the current user. */
    static ServerAccount forThisProcess() {
        if (currentUid() != 0) {
            return new ServerAccount(false, System.getProperty("user.name", "current user"), -1, -1);
        }
        int[] ids = lookUp(UNPRIVILEGED_USER);
        return new ServerAccount(true, UNPRIVILEGED_USER, ids[0], ids[1]);
    }

    /** The effective uid of this JVM, read from the owner of {@code /proc/self}. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    boolean switchesUser() {
        return switchesUser;
    }

    String describe() {
        return switchesUser ? "'%s' (uid %d)".formatted(name, uid) : "'%s'".formatted(name);
    }

    /** The command that runs {@code command} as this account. */
    List<String> command(List<String> command) {
        if (!switchesUser) {
            return List.copyOf(command);
        }
        var wrapped = new ArrayList<String>(command.size() + 5);
        wrapped.add(setpriv().toString());
        wrapped.add("--reuid=" + uid);
        wrapped.add("--regid=" + gid);
        wrapped.add("--clear-groups");
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands {@code path} (not following a symbolic link) to this account; a no-op when no user switch happens. */
    void own(Path path) throws IOException {
        if (switchesUser) {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Hands {@code dir} and everything below it to this account, if it does not own it yet. */
    void ownTree(Path dir) throws IOException {
        if (!switchesUser || ownsTree(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.forEach(path -> {
                try {
                    own(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private boolean ownsTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.allMatch(path -> {
                try {
                    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid;
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /**
     * The directory a server asked to keep its files in {@code requested} works in: {@code requested} itself when this
     * account can enter it, else {@code <fallbackBase>/<digest of requested's parent>/<requested's name>}, the same on
     * every start, so a restart finds the same data. The move is said in one log line and in {@value #LOCATION_NOTE}
     * left in {@code requested}. A {@code requested} that already holds server data is never left behind: then this
     * fails, as it does when the fallback is out of the account's reach too.
     */
    Path reachableHome(Path requested, Path fallbackBase, String server) {
        try {
            openTo(requested);
            Optional<Path> blocked = firstUnreachable(requested);
            if (blocked.isEmpty()) {
                return requested;
            }
            if (Files.exists(requested.resolve("data"), LinkOption.NOFOLLOW_LINKS)) {
                throw unreachable(requested, blocked.get(), server);
            }
            Path relocated = relocation(requested, fallbackBase);
            createIfMissing(fallbackBase, "rwxr-xr-x");
            createIfMissing(relocated.getParent(), "rwx--x--x");
            openTo(relocated);
            Optional<Path> blockedToo = firstUnreachable(relocated);
            if (blockedToo.isPresent()) {
                throw unreachable(relocated, blockedToo.get(), server);
            }
            Files.writeString(requested.resolve(LOCATION_NOTE), ("The embedded %s keeps its files in %s, as the "
                    + "user %s it runs as cannot enter %s.%n").formatted(server, relocated, name, blocked.get()),
                    StandardCharsets.UTF_8);
            log.info("The embedded {} keeps its files in {}, as the user {} it runs as cannot enter {}", server,
                    relocated, name, blocked.get());
            return relocated;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a directory for the embedded %s (asked for %s under %s)"
                    .formatted(server, requested, fallbackBase), e);
        }
    }

    /** {@code <fallbackBase>/<digest of requested's parent>/<requested's name>}. */
    static Path relocation(Path requested, Path fallbackBase) throws IOException {
        Path real = requested.toRealPath();
        Path dataDir = real.getParent() == null ? real : real.getParent();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(dataDir.toString().getBytes(StandardCharsets.UTF_8));
            return fallbackBase.resolve(HexFormat.of().formatHex(digest).substring(0, DIGEST_CHARACTERS))
                    .resolve(real.getFileName().toString());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Creates {@code dir} and lets this account pass through it when the JVM's user owns it. */
    private void openTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (switchesUser && ownerUid(dir) == currentUid()) {
            var permissions = Files.getPosixFilePermissions(dir);
            if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(dir, permissions);
            }
        }
    }

    private static void createIfMissing(Path dir, String permissions) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
        }
    }

    /**
     * Fails with a clear message when this account cannot enter {@code dir}, i.e. some directory on the way lacks
     * the search (x) permission for it. Only checked when switching user: the current user reaches what it created.
     */
    void requireReachable(Path dir, String server) {
        firstUnreachable(dir).ifPresent(blocked -> {
            throw unreachable(dir, blocked, server);
        });
    }

    /** The first directory on the way to {@code dir} this account cannot enter; none when no user switch happens. */
    private Optional<Path> firstUnreachable(Path dir) {
        if (!switchesUser) {
            return Optional.empty();
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + dir, e);
        }
        var way = new ArrayList<Path>();
        for (Path current = real; current != null; current = current.getParent()) {
            way.addFirst(current);
        }
        for (Path current : way) {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(current, PosixFileAttributes.class);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the permissions of " + current, e);
            }
            if (!canSearch(current, attributes)) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }

    private IllegalStateException unreachable(Path dir, Path blocked, String server) {
        String mode;
        try {
            mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(blocked));
        } catch (IOException e) {
            mode = "unknown";
        }
        return new IllegalStateException(("The embedded %s runs as the unprivileged user %s because this JVM runs as "
                + "root, but that user cannot enter %s (owner uid %s, mode %s), so it cannot reach its files under %s. "
                + "Set %s to a directory that user can reach (every parent directory needs o+x), e.g. %s, or run "
                + "the service as a non-root user.")
                .formatted(server, describe(), blocked, ownerUid(blocked), mode, dir, DATA_DIR_SETTING,
                        FALLBACK_BASE));
    }

    private boolean canSearch(Path dir, PosixFileAttributes attributes) {
        var permissions = attributes.permissions();
        if (ownerUid(dir) == uid) {
            return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
        }
        if (groupGid(dir) == gid) {
            return permissions.contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static int ownerUid(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }

    private static int groupGid(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:gid");
        } catch (IOException e) {
            return -1;
        }
    }

    private static Path setpriv() {
        return SETPRIV_LOCATIONS.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("This JVM runs as root, so the embedded servers must run "
                        + "as the user '" + UNPRIVILEGED_USER + "', which needs 'setpriv' (util-linux), not found in "
                        + SETPRIV_LOCATIONS + ". Install util-linux or run the service as a non-root user."));
    }

    /** uid and gid of {@code user} from /etc/passwd, or 65534/65534 when it is not listed. */
    private static int[] lookUp(String user) {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.map(line -> line.split(":", -1))
                    .filter(fields -> fields.length >= 4 && fields[0].equals(user))
                    .map(fields -> new int[] {Integer.parseInt(fields[2]), Integer.parseInt(fields[3])})
                    .findFirst()
                    .orElse(new int[] {FALLBACK_ID, FALLBACK_ID});
        } catch (IOException | NumberFormatException e) {
            return new int[] {FALLBACK_ID, FALLBACK_ID};
        }
    }
}
