package com.whatpro.hub.platform.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The AES-256 keys credentials are encrypted with: one active key that encrypts, and older keys that still decrypt
 * what was written before a rotation. Keys are given as base64 of 32 random bytes and named by a key id that is
 * stored with every ciphertext.
 */
public final class KeyRing {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int KEY_BYTES = 32;

    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    private KeyRing(String activeKeyId, Map<String, SecretKey> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(keys);
    }

    /**
     * A ring of named keys.
     *
     * @param activeKeyId the key new values are encrypted with; must be one of {@code base64KeysById}
     * @param base64KeysById every key that may still be needed for decryption, by key id
     * @throws IllegalArgumentException when an id is not 1–32 of {@code [A-Za-z0-9_-]}, a key is not base64 of
     *         exactly 32 bytes, or the active id has no key
     */
    public static KeyRing of(String activeKeyId, Map<String, String> base64KeysById) {
        var keys = new LinkedHashMap<String, SecretKey>();
        base64KeysById.forEach((id, base64) -> keys.put(checkedId(id), aesKey(id, base64)));
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException(
                    "the active key id '" + activeKeyId + "' is not among the keys " + keys.keySet());
        }
        return new KeyRing(activeKeyId, keys);
    }

    /** A ring with a single key, which is active. */
    public static KeyRing single(String keyId, String base64Key) {
        return of(keyId, Map.of(keyId, base64Key));
    }

    /**
     * A ring whose key ids are derived from the keys themselves ({@link #fingerprint(String)}), for configurations
     * that hold only keys, such as one {@code WHATPRO_ENCRYPTION_KEY}: replacing the key changes its id, so values
     * under the old key are recognised as needing re-encryption while the old key is kept among {@code olderKeys}.
     */
    public static KeyRing fromKeys(String activeBase64Key, String... olderBase64Keys) {
        var keys = new LinkedHashMap<String, String>();
        keys.put(fingerprint(activeBase64Key), activeBase64Key);
        for (String older : olderBase64Keys) {
            keys.putIfAbsent(fingerprint(older), older);
        }
        return of(fingerprint(activeBase64Key), keys);
    }

    /** A key id derived from a key: {@code k} and the first 12 hex digits of the SHA-256 of its bytes. */
    public static String fingerprint(String base64Key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(aesKey("(derived)", base64Key).getEncoded());
            return "k" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** A new random key, base64 encoded, for a first start or a rotation. */
    public static String newBase64Key() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    SecretKey activeKey() {
        return keys.get(activeKeyId);
    }

    @Nullable SecretKey key(String keyId) {
        return keys.get(keyId);
    }

    static boolean isValidKeyId(String keyId) {
        return KEY_ID.matcher(keyId).matches();
    }

    private static String checkedId(String keyId) {
        if (!isValidKeyId(keyId)) {
            throw new IllegalArgumentException(
                    "a key id must be 1 to 32 letters, digits, '_' or '-', got '" + keyId + "'");
        }
        return keyId;
    }

    private static SecretKey aesKey(String keyId, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + keyId + "' is not valid base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "key '" + keyId + "' must be 32 bytes (AES-256), got " + bytes.length);
        }
        var key = new SecretKeySpec(bytes, "AES");
        Arrays.fill(bytes, (byte) 0);
        return key;
    }

    /** Names the keys, never shows them. */
    @Override
    public String toString() {
        return "KeyRing[active=" + activeKeyId + ", keys=" + keys.keySet() + "]";
    }
}
