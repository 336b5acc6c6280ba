package com.whatpro.hub.providers;

import org.jspecify.annotations.Nullable;

/**
 * The decrypted secrets needed to talk to a provider. None of them ever appears in {@code toString()}, logs or
 * exception messages.
 */
public sealed interface ProviderCredentials {

    ProviderType type();

    /**
     * @param apiKey the instance's API key, sent as header {@code apikey}
     * @param webhookToken when set, a webhook must carry it (see {@link ProviderAdapter#verifyWebhook})
     */
    record Evolution(String apiKey, @Nullable String webhookToken) implements ProviderCredentials {

        @Override
        public ProviderType type() {
            return ProviderType.EVOLUTION;
        }

        @Override
        public String toString() {
            return "Evolution[apiKey=" + redacted(apiKey) + ", webhookToken=" + redacted(webhookToken) + "]";
        }
    }

    /**
     * @param token the instance token, sent as header {@code token}
     * @param webhookToken when set, a webhook must carry it (see {@link ProviderAdapter#verifyWebhook})
     */
    record Uazapi(String token, @Nullable String webhookToken) implements ProviderCredentials {

        @Override
        public ProviderType type() {
            return ProviderType.UAZAPI;
        }

        @Override
        public String toString() {
            return "Uazapi[token=" + redacted(token) + ", webhookToken=" + redacted(webhookToken) + "]";
        }
    }

    /**
     * @param accessToken a system user access token with {@code whatsapp_business_messaging}
     * @param appSecret the Meta app's secret, which signs webhooks ({@code X-Hub-Signature-256})
     * @param verifyToken the token Meta echoes in the webhook subscription handshake
     * @param phoneNumberId the Cloud API phone number id messages are sent from
     * @param apiVersion the Graph API version, {@value #DEFAULT_API_VERSION} unless set
     * @param wabaId the WhatsApp Business Account the number belongs to, whose message templates the hub lists
     */
    record CloudApi(String accessToken, String appSecret, String verifyToken, String phoneNumberId, String apiVersion,
            @Nullable String wabaId) implements ProviderCredentials {

        public static final String DEFAULT_API_VERSION = "v23.0";

        public CloudApi {
            if (!apiVersion.matches("v\\d+\\.\\d+")) {
                throw new IllegalArgumentException("a Graph API version looks like v23.0, got '" + apiVersion + "'");
            }
            if (!phoneNumberId.matches("\\d+")) {
                throw new IllegalArgumentException("a phone number id is digits, got '" + phoneNumberId + "'");
            }
            if (wabaId != null && !wabaId.matches("\\d+")) {
                throw new IllegalArgumentException("a WhatsApp Business Account id is digits");
            }
        }

        public CloudApi(String accessToken, String appSecret, String verifyToken, String phoneNumberId,
                String apiVersion) {
            this(accessToken, appSecret, verifyToken, phoneNumberId, apiVersion, null);
        }

        public CloudApi(String accessToken, String appSecret, String verifyToken, String phoneNumberId) {
            this(accessToken, appSecret, verifyToken, phoneNumberId, DEFAULT_API_VERSION);
        }

        @Override
        public ProviderType type() {
            return ProviderType.CLOUD_API;
        }

        @Override
        public String toString() {
            return "CloudApi[accessToken=" + redacted(accessToken) + ", appSecret=" + redacted(appSecret)
                    + ", verifyToken=" + redacted(verifyToken) + ", phoneNumberId=" + phoneNumberId
                    + ", apiVersion=" + apiVersion + ", wabaId=" + wabaId + "]";
        }
    }

    private static String redacted(@Nullable String secret) {
        return secret == null ? "null" : "(redacted)";
    }
}
