package com.whatpro.hub.platform.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts credentials for storage with AES-256-GCM.
 *
 * <p>A value is stored as {@code v1:<keyId>:<base64(nonce | ciphertext | tag)>} with a random 96-bit nonce. The
 * caller's associated data (for example the account and provider ids of the row) is authenticated but not stored:
 * decrypting with other associated data fails, so a ciphertext copied to another row is useless. The version and
 * key id are authenticated too.
 *
 * <p>Keys rotate without downtime: add a new active key to the {@link KeyRing} and keep the old one; values under
 * the old key still decrypt, {@link #needsReencryption(String)} finds them and {@link #reencrypt(String, String)}
 * moves them to the active key.
 */
public final class CredentialCipher {

    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int TAG_BYTES = TAG_BITS / 8;

    private final KeyRing keys;
    private final SecureRandom random = new SecureRandom();

    public CredentialCipher(KeyRing keys) {
        this.keys = keys;
    }

    /** Encrypts under the active key, binding the result to {@code associatedData}. */
    public String encrypt(String plaintext, String associatedData) {
        String keyId = keys.activeKeyId();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.activeKey(), nonce, keyId, associatedData);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + ":" + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts a value written by {@link #encrypt(String, String)} with the same associated data.
     *
     * @throws CredentialDecryptionException when the value is malformed, its key id is not in the ring, or it does
     *         not authenticate (altered, or written for other associated data)
     */
    public String decrypt(String stored, String associatedData) {
        Sealed sealed = Sealed.parse(stored);
        SecretKey key = keys.key(sealed.keyId());
        if (key == null) {
            throw new CredentialDecryptionException("the value is encrypted under key id '" + sealed.keyId()
                    + "', which is not in the key ring " + keys.keyIds() + "; configure that key to read it");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, sealed.nonce(), sealed.keyId(), associatedData);
            return new String(cipher.doFinal(sealed.ciphertextAndTag()), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new CredentialDecryptionException("the value does not authenticate under key id '"
                    + sealed.keyId() + "': it was altered, or it belongs to another record", e);
        } catch (GeneralSecurityException e) {
            throw new CredentialDecryptionException("the value could not be decrypted", e);
        }
    }

    /** How every value encrypted now starts; a stored value that does not is under another key (or not readable). */
    public String activePrefix() {
        return VERSION + ":" + keys.activeKeyId() + ":";
    }

    /**
     * Whether a stored value is under a key other than the active one and should be re-encrypted.
     *
     * @throws CredentialDecryptionException when the value is not in the stored format
     */
    public boolean needsReencryption(String stored) {
        return !Sealed.parse(stored).keyId().equals(keys.activeKeyId());
    }

    /** Decrypts and encrypts again under the active key; a value already under the active key is returned as is. */
    public String reencrypt(String stored, String associatedData) {
        if (!needsReencryption(stored)) {
            return stored;
        }
        return encrypt(decrypt(stored, associatedData), associatedData);
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String keyId, String associatedData)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        // key ids never contain ':', so this prefix cannot be confused with the caller's associated data
        cipher.updateAAD((VERSION + ":" + keyId + ":" + associatedData).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private record Sealed(String keyId, byte[] nonce, byte[] ciphertextAndTag) {

        static Sealed parse(String stored) {
            String[] parts = stored.split(":", -1);
            if (parts.length != 3 || !parts[0].equals(VERSION)) {
                throw new CredentialDecryptionException(
                        "not an encrypted value: expected '" + VERSION + ":<keyId>:<base64>'");
            }
            if (!KeyRing.isValidKeyId(parts[1])) {
                throw new CredentialDecryptionException("not an encrypted value: malformed key id");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(parts[2]);
            } catch (IllegalArgumentException e) {
                throw new CredentialDecryptionException("not an encrypted value: the payload is not base64");
            }
            if (bytes.length < NONCE_BYTES + TAG_BYTES) {
                throw new CredentialDecryptionException("not an encrypted value: the payload is too short");
            }
            var buffer = ByteBuffer.wrap(bytes);
            byte[] nonce = new byte[NONCE_BYTES];
            buffer.get(nonce);
            byte[] rest = new byte[buffer.remaining()];
            buffer.get(rest);
            return new Sealed(parts[1], nonce, rest);
        }
    }
}
