package com.whatpro.hub.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The installation's master key ({@code WHATPRO_ENCRYPTION_KEY}, base64 of 32 bytes) and the
 * purpose-bound keys derived from it, so one secret serves every node alike. In development a
 * missing key is generated once into the data dir; in production it is a start-up error.
 */
public final class KeyMaterial {

    private static final int KEY_BYTES = 32;

    private final byte[] masterKey;

    private KeyMaterial(byte[] masterKey) {
        this.masterKey = masterKey;
    }

    public static KeyMaterial from(PlatformSettings settings) {
        var configured = settings.encryptionKey();
        if (configured != null && !configured.isBlank()) {
            return new KeyMaterial(decode(configured));
        }
        if (settings.production()) {
            throw new UnsafeSettingsException("WHATPRO_ENCRYPTION_KEY",
                    "production needs an encryption key: base64 of 32 random bytes, e.g. `openssl rand -base64 32`");
        }
        return new KeyMaterial(decode(readOrCreate(settings.dataDir().resolve("encryption.key"))));
    }

    static byte[] decode(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new UnsafeSettingsException("WHATPRO_ENCRYPTION_KEY", "is not valid base64");
        }
        if (key.length != KEY_BYTES) {
            throw new UnsafeSettingsException("WHATPRO_ENCRYPTION_KEY",
                    "must decode to 32 bytes, not " + key.length);
        }
        return key;
    }

    /** The master key itself, for encrypting stored credentials. */
    public byte[] encryptionKey() {
        return masterKey.clone();
    }

    /** A 32-byte key for one purpose (HMAC-SHA256 of the label under the master key). */
    public byte[] derive(String purpose) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterKey, "HmacSHA256"));
            return mac.doFinal(("whatpro-hub/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String deriveHex(String purpose) {
        return HexFormat.of().formatHex(derive(purpose));
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file);
            }
            Files.createDirectories(file.getParent());
            var key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            var encoded = Base64.getEncoder().encodeToString(key);
            var tmp = Files.createTempFile(file.getParent(), "encryption", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, encoded);
            try {
                Files.move(tmp, file);
                return encoded;
            } catch (FileAlreadyExistsException raced) {
                Files.delete(tmp);
                return Files.readString(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated encryption key in " + file, e);
        }
    }
}
