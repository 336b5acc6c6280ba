package com.whatpro.hub.chatwoot;

import java.time.Clock;
import java.time.Duration;

import com.whatpro.hub.chatwoot.webhook.EventReader;
import com.whatpro.hub.chatwoot.webhook.SignatureVerifier;

/** The intake of Chatwoot webhook deliveries: trust them, then read them. Works on the raw body, as received. */
public final class ChatwootWebhooks {

    /** How far a delivery's timestamp may be from now, either way. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final SignatureVerifier signatures;
    private final EventReader events = new EventReader();

    public ChatwootWebhooks(Clock clock) {
        this.signatures = new SignatureVerifier(clock, TOLERANCE);
    }

    /**
     * Checks that the delivery was signed with the webhook's secret, over this very body, within
     * {@link #TOLERANCE} of now; compares in constant time.
     *
     * @throws InvalidWebhookSignature when it was not
     */
    public void verify(ChatwootDelivery delivery, byte[] rawBody, String secret) {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("a webhook secret is required");
        }
        signatures.verify(delivery.timestamp(), delivery.signature(), rawBody, secret);
    }

    /** @throws MalformedChatwootWebhook when the body is not JSON or lacks what its event needs */
    public ChatwootEvent parse(byte[] rawBody) {
        return events.read(rawBody);
    }
}
