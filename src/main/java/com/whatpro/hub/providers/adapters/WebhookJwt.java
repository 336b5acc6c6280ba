package com.whatpro.hub.providers.adapters;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Evolution API's signed webhooks: with {@code jwt_key} among the webhook's headers, Evolution sends
 * {@code Authorization: Bearer <JWT>}, an HS256 token signed with that key and valid for 10 minutes, instead of the
 * key itself. Accepted when the signature matches under the configured webhook token and the token has not expired
 * (one minute of leeway for clock skew). Tokens with any other algorithm, {@code none} included, are refused.
 */
final class WebhookJwt {

    private static final Duration LEEWAY = Duration.ofMinutes(1);
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private WebhookJwt() {
    }

    static boolean carried(@Nullable String key, Map<String, String> headers, Clock clock) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        String authorization = headers.get("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String[] parts = authorization.substring(7).strip().split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        try {
            JsonNode header = Json.MAPPER.readTree(BASE64URL.decode(parts[0]));
            if (!"HS256".equals(Json.text(header, "alg"))) {
                return false;
            }
            byte[] expected = hmac(key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, BASE64URL.decode(parts[2]))) {
                return false;
            }
            JsonNode claims = Json.MAPPER.readTree(BASE64URL.decode(parts[1]));
            JsonNode exp = claims.path("exp");
            return exp.isNumber() && clock.instant().minus(LEEWAY).getEpochSecond() < exp.asLong();
        } catch (IllegalArgumentException | tools.jackson.core.JacksonException e) {
            return false;
        }
    }

    private static byte[] hmac(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
