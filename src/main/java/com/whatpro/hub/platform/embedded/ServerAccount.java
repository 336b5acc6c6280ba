package com.whatpro.hub.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system account the embedded servers run as.
 * <p>
 * PostgreSQL refuses to run as root, and a database or cache server should not run as root anyway. When this JVM
 * runs as root, the servers are started as the unprivileged user {@code nobody} through {@code setpriv}; otherwise
 * they run as the current user, directly.
 */
final class ServerAccount {

    static final String DATA_DIR_SETTING = "WHATPRO_DATA_DIR";

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
     * Fails with a clear message when this account cannot enter {@code dir}, i.e. some directory on the way lacks
     * the search (x) permission for it. Only checked when switching user: the current user reaches what it created.
     */
    void requireReachable(Path dir, String server) {
        if (!switchesUser) {
            return;
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + dir, e);
        }
        for (Path current = real; current != null; current = current.getParent()) {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(current, PosixFileAttributes.class);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the permissions of " + current, e);
            }
            if (!canSearch(current, attributes)) {
                throw new IllegalStateException(("The embedded %s runs as the unprivileged user %s because this JVM "
                        + "runs as root, but that user cannot enter %s (owner uid %s, mode %s), so it cannot reach "
                        + "its data under %s. Set %s to a directory that user can reach (every parent directory "
                        + "needs o+x), e.g. /var/lib/whatpro, or run the service as a non-root user.")
                        .formatted(server, describe(), current, ownerUid(current), PosixFilePermissions.toString(
                                attributes.permissions()), dir, DATA_DIR_SETTING));
            }
        }
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
