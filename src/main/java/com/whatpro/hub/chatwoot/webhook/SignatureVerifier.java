package com.whatpro.hub.chatwoot.webhook;

import static com.whatpro.hub.chatwoot.InvalidWebhookSignature.Reason.MALFORMED;
import static com.whatpro.hub.chatwoot.InvalidWebhookSignature.Reason.MISMATCH;
import static com.whatpro.hub.chatwoot.InvalidWebhookSignature.Reason.MISSING;
import static com.whatpro.hub.chatwoot.InvalidWebhookSignature.Reason.STALE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import com.whatpro.hub.chatwoot.InvalidWebhookSignature;

/** Checks {@code X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>}. */
public final class SignatureVerifier {

    private static final String PREFIX = "sha256=";
    private static final int SHA256_BYTES = 32;

    private final Clock clock;
    private final Duration tolerance;

    public SignatureVerifier(Clock clock, Duration tolerance) {
        this.clock = clock;
        this.tolerance = tolerance;
    }

    public void verify(@Nullable String timestamp, @Nullable String signature, byte[] rawBody, String secret) {
        if (timestamp == null || timestamp.isBlank() || signature == null || signature.isBlank()) {
            throw new InvalidWebhookSignature(MISSING, "the delivery is not signed");
        }
        var sentAt = epochSeconds(timestamp.strip());
        var given = hmac(signature.strip());
        if (!MessageDigest.isEqual(given, expected(timestamp.strip(), rawBody, secret))) {
            throw new InvalidWebhookSignature(MISMATCH, "the signature does not match the body");
        }
        var now = clock.instant();
        if (Duration.between(sentAt, now).abs().compareTo(tolerance) > 0) {
            throw new InvalidWebhookSignature(STALE, "the delivery was signed at " + sentAt + ", too far from " + now);
        }
    }

    private static Instant epochSeconds(String timestamp) {
        try {
            return Instant.ofEpochSecond(Long.parseLong(timestamp));
        } catch (NumberFormatException | DateTimeException notSeconds) {
            throw new InvalidWebhookSignature(MALFORMED, "the timestamp is not Unix seconds");
        }
    }

    private static byte[] hmac(String signature) {
        if (!signature.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new InvalidWebhookSignature(MALFORMED, "the signature is not sha256=<hex>");
        }
        try {
            var bytes = HexFormat.of().parseHex(signature.substring(PREFIX.length()));
            if (bytes.length != SHA256_BYTES) {
                throw new IllegalArgumentException("not a SHA-256 digest");
            }
            return bytes;
        } catch (IllegalArgumentException notHex) {
            throw new InvalidWebhookSignature(MALFORMED, "the signature is not sha256=<hex>");
        }
    }

    private static byte[] expected(String timestamp, byte[] rawBody, String secret) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(rawBody);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", impossible);
        }
    }
}
