package com.whatpro.hub.providers;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Talks to one kind of WhatsApp provider. Implementations are stateless and thread-safe; everything about a
 * particular number comes in the {@link ProviderEndpoint}.
 *
 * <p>Calls to the provider throw {@link ProviderRejected} when it refuses (not retryable) and
 * {@link ProviderUnavailable} when it cannot be reached or is overloaded (retryable).
 */
public interface ProviderAdapter {

    ProviderType type();

    /** Asks the provider whether the number is connected. */
    ConnectionState state(ProviderEndpoint endpoint);

    /**
     * Points the number's webhook at {@code webhookUrl}, subscribed to exactly the events {@link #parseWebhook}
     * reads, replacing whatever webhook the provider had for it. Safe to repeat.
     *
     * @param webhookUrl the hub's secret webhook URL for this provider; never to be logged
     * @return {@link WebhookSetup.Manual} when the provider's webhook cannot be set with these credentials
     */
    WebhookSetup registerWebhook(ProviderEndpoint endpoint, URI webhookUrl);

    /**
     * Sends a text message.
     *
     * @param toE164 the recipient, e.g. {@code +5511999999999}; Evolution and uazapi also take a contact's LID
     *        ({@link Lids}) while its phone is unknown
     */
    SendResult sendText(ProviderEndpoint endpoint, String toE164, String text);

    /** Sends media the provider fetches from {@code media.url()}; the recipient as for {@link #sendText}. */
    SendResult sendMedia(ProviderEndpoint endpoint, String toE164, MediaMessage media);

    /**
     * Sends an approved message template, which WhatsApp delivers also outside the 24-hour customer service window.
     * Only the Cloud API has templates; the others refuse.
     */
    default SendResult sendTemplate(ProviderEndpoint endpoint, String toE164, TemplateMessage template) {
        throw new ProviderRejected(type(), 0, null, "message templates are a Cloud API feature");
    }

    /**
     * The message templates of the number's WhatsApp Business Account. Only the Cloud API has templates (and needs
     * the account's id in the credentials); the others refuse.
     */
    default java.util.List<MessageTemplate> templates(ProviderEndpoint endpoint) {
        throw new ProviderRejected(type(), 0, null, "message templates are a Cloud API feature");
    }

    /**
     * Downloads the file of an inbound message's media by its {@code providerMediaId}, through the provider's API
     * (never from {@code media.url()}, which the caller fetches itself).
     *
     * @param maxBytes the largest file accepted; a larger one is refused with {@link ProviderRejected}
     * @param timeout how long the whole download may take
     * @throws IllegalArgumentException when {@code media} has no provider media id
     */
    DownloadedMedia downloadMedia(ProviderEndpoint endpoint, InboundMessage.Media media, long maxBytes,
            Duration timeout);

    /**
     * Reads a webhook body. Events the hub does not use (presence, groups…) and group messages yield nothing, chat and
     * contact lists only the phones they show behind LIDs; one body may carry several events.
     *
     * @throws MalformedWebhook when the body is not JSON
     */
    List<ProviderEvent> parseWebhook(byte[] rawBody);

    /**
     * {@link #parseWebhook}'s events, grouped by the number each is for when the webhook names it (Cloud API); by
     * default all of them for the number whose URL received the webhook.
     *
     * @throws MalformedWebhook when the body is not JSON
     */
    default List<AddressedEvents> parseAddressedWebhook(byte[] rawBody) {
        return List.of(new AddressedEvents(null, parseWebhook(rawBody)));
    }

    /**
     * Whether a webhook really comes from the provider configured in {@code endpoint}. The secret in the webhook URL
     * is checked by the web layer before this; this checks what the provider itself signs or carries.
     *
     * @param headers the request headers, names in lower case
     * @param rawBody the body exactly as received
     */
    boolean verifyWebhook(ProviderEndpoint endpoint, Map<String, String> headers, byte[] rawBody);

    /**
     * What the hub needs to create an instance at the provider.
     *
     * @param adminKey the provider's admin credential (Evolution's global {@code apikey}, uazapi's {@code admintoken});
     *        used for the create only, never stored
     * @param webhookToken the token the instance's webhooks are to carry, if any
     * @param webhookUrl the hub's secret webhook URL, set on the instance as it is created; null when the hub knows no
     *        public address
     */
    record Provisioning(URI baseUrl, String instanceName, String adminKey, @Nullable String webhookToken,
            @Nullable URI webhookUrl) {

        @Override
        public String toString() {
            return "Provisioning[" + baseUrl + ", " + instanceName + "]";
        }
    }

    /**
     * Creates the instance at the provider, with its webhook already pointing at {@code webhookUrl}, or adopts the
     * instance of that name when one exists. Safe to repeat: never makes a second instance of one name.
     *
     * @return the instance's own credentials, which later calls use
     */
    default ProviderCredentials provision(Provisioning provisioning) {
        throw unsupported("provisioning");
    }

    /**
     * Starts linking the number: a QR code, or with {@code phoneE164} a pairing code. Answers {@code connected} when
     * the number is linked already.
     */
    default ConnectionState connect(ProviderEndpoint endpoint, @Nullable String phoneE164) {
        throw unsupported("connecting by QR code or pairing code");
    }

    /** How long a QR code (or a pairing code) of this provider can be used. */
    default java.time.Duration codeLifetime(boolean pairingCode) {
        return java.time.Duration.ofSeconds(45);
    }

    /** Unlinks WhatsApp from the instance; the instance stays. Done when the number is not linked. */
    default void logout(ProviderEndpoint endpoint) {
        throw unsupported("logging out");
    }

    /** Restarts the instance's WhatsApp session. */
    default void restart(ProviderEndpoint endpoint) {
        throw unsupported("restarting");
    }

    /** Deletes the instance at the provider. Done when it no longer exists. */
    default void deleteInstance(ProviderEndpoint endpoint) {
        throw unsupported("deleting the instance");
    }

    private ProviderRejected unsupported(String what) {
        return new ProviderRejected(type(), 0, Unsupported.CODE, type().jsonName() + " does not support " + what
                + " through the hub");
    }

    /** The provider code of a {@link ProviderRejected} for an operation this provider does not have. */
    final class Unsupported {

        public static final String CODE = "unsupported";

        private Unsupported() {
        }
    }
}
