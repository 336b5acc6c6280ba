package com.whatpro.hub.platform.crypto;

/**
 * A stored value could not be decrypted: it is not in the expected format, names a key the ring does not hold, or
 * fails authentication because it was altered or belongs to another record.
 */
public class CredentialDecryptionException extends RuntimeException {

    public CredentialDecryptionException(String message) {
        super(message);
    }

    public CredentialDecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
