package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.platform.crypto.ConstantTime;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The optional shared token of Evolution and uazapi webhooks. Those providers do not sign their webhooks; the
 * secret webhook URL is the main check, and a configured token must also arrive, in header {@code x-webhook-token},
 * as {@code Authorization: Bearer <token>}, or in the body field the provider fills with its instance token.
 */
final class WebhookTokens {

    static final String HEADER = "x-webhook-token";

    private WebhookTokens() {
    }

    static boolean carried(@Nullable String expected, Map<String, String> headers, @Nullable String bodyToken) {
        if (expected == null || expected.isEmpty()) {
            return true;
        }
        String authorization = headers.get("authorization");
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        // evaluate every candidate so the time taken does not tell which one was tried
        boolean header = ConstantTime.equals(headers.get(HEADER), expected);
        boolean auth = ConstantTime.equals(bearer, expected);
        boolean body = ConstantTime.equals(bodyToken, expected);
        return header | auth | body;
    }
}
