package com.whatpro.hub.platform.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * Compares secrets (tokens, signatures) without leaking through timing how much of them matched.
 */
public final class ConstantTime {

    private ConstantTime() {
    }

    /**
     * Whether both values are present and equal. Both are hashed first, so neither the matching prefix nor the
     * length of the expected value shows in the time taken.
     */
    public static boolean equals(@Nullable String given, @Nullable String expected) {
        if (given == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given.getBytes(StandardCharsets.UTF_8)),
                sha256(expected.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether two byte arrays are equal, in time independent of their contents. */
    public static boolean equals(byte[] given, byte[] expected) {
        return MessageDigest.isEqual(given, expected);
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
