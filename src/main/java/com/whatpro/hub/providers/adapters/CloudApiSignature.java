package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.platform.crypto.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** Meta's webhook signature: {@code sha256=} and the hex HMAC-SHA256 of the raw body under the app secret. */
final class CloudApiSignature {

    static final String HEADER = "x-hub-signature-256";
    private static final String PREFIX = "sha256=";

    private CloudApiSignature() {
    }

    static boolean matches(String appSecret, @Nullable String header, byte[] rawBody) {
        if (header == null || !header.startsWith(PREFIX) || appSecret.isEmpty()) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return ConstantTime.equals(given, hmac(appSecret, rawBody));
    }

    static String sign(String appSecret, byte[] rawBody) {
        return PREFIX + HexFormat.of().formatHex(hmac(appSecret, rawBody));
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
