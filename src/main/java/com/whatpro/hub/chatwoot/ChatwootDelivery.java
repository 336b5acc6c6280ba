package com.whatpro.hub.chatwoot;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The headers of a Chatwoot webhook delivery.
 *
 * @param id {@code X-Chatwoot-Delivery}: the same on every retry of one delivery, so it identifies duplicates
 * @param timestamp {@code X-Chatwoot-Timestamp}: Unix seconds, sent when the webhook has a secret
 * @param signature {@code X-Chatwoot-Signature}: {@code sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>}
 */
public record ChatwootDelivery(@Nullable String id, @Nullable String timestamp, @Nullable String signature) {

    public static final String DELIVERY_HEADER = "X-Chatwoot-Delivery";
    public static final String TIMESTAMP_HEADER = "X-Chatwoot-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Chatwoot-Signature";

    /** Reads the headers through a lookup such as {@code HttpServletRequest::getHeader}. */
    public static ChatwootDelivery fromHeaders(Function<String, @Nullable String> header) {
        return new ChatwootDelivery(
                header.apply(DELIVERY_HEADER), header.apply(TIMESTAMP_HEADER), header.apply(SIGNATURE_HEADER));
    }
}
