package com.whatpro.hub.chatwoot;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
        verify(delivery, rawBody, List.of(secret));
    }

    /**
     * Checks that the delivery was signed with one of the secrets (an account's webhook and each of its API inboxes
     * sign with their own), as {@link #verify(ChatwootDelivery, byte[], String)} does.
     *
     * @throws InvalidWebhookSignature when it was not
     */
    public void verify(ChatwootDelivery delivery, byte[] rawBody, List<String> secrets) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a webhook secret is required");
        }
        InvalidWebhookSignature mismatch = null;
        for (var secret : secrets) {
            try {
                signatures.verify(delivery.timestamp(), delivery.signature(), rawBody, secret);
                return;
            } catch (InvalidWebhookSignature e) {
                if (e.reason() != InvalidWebhookSignature.Reason.MISMATCH) {
                    throw e; // unsigned, malformed, or signed with this very secret too long ago
                }
                mismatch = e;
            }
        }
        throw mismatch;
    }

    /** @throws MalformedChatwootWebhook when the body is not JSON or lacks what its event needs */
    public ChatwootEvent parse(byte[] rawBody) {
        return events.read(rawBody);
    }
}
