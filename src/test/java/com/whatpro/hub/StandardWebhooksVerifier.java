package com.whatpro.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a Standard Webhooks request, written from the specification's text alone (it shares no code
 * with the hub's signer): the secret is {@code whsec_} and the base64 of the key; the signed content is
 * {@code msg_id.timestamp.payload}; {@code webhook-signature} is a space-delimited list of {@code v1,<base64>}
 * signatures, of which one must match (compared in constant time); the timestamp must be within the tolerance of now.
 */
public final class StandardWebhooksVerifier {

    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final byte[] key;

    public StandardWebhooksVerifier(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("a Standard Webhooks secret starts with whsec_");
        }
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    /** @throws AssertionError saying what is wrong with the request */
    public void verify(String msgId, String timestamp, String signatureHeader, String payload) {
        var sentAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        var now = Instant.now();
        if (sentAt.isBefore(now.minus(TOLERANCE)) || sentAt.isAfter(now.plus(TOLERANCE))) {
            throw new AssertionError("webhook-timestamp " + timestamp + " is outside the tolerance");
        }
        var expected = hmac((msgId + "." + timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
        for (var versioned : signatureHeader.split(" ")) {
            var comma = versioned.indexOf(',');
            if (comma < 0 || !versioned.substring(0, comma).equals("v1")) {
                continue;
            }
            var presented = Base64.getDecoder().decode(versioned.substring(comma + 1));
            if (MessageDigest.isEqual(expected, presented)) {
                return;
            }
        }
        throw new AssertionError("no v1 signature in '" + signatureHeader + "' matches");
    }

    private byte[] hmac(byte[] content) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
