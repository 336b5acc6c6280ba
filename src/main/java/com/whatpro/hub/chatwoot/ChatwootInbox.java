package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/**
 * A Chatwoot inbox.
 *
 * @param channelType {@code Channel::Api}, {@code Channel::Whatsapp}, {@code Channel::WebWidget}, …
 * @param phoneNumber the inbox's own number, for phone channels
 * @param webhookSecret the secret an API-channel inbox signs its webhooks with; Chatwoot shows it only to
 *        administrators, and only versions since per-inbox secrets (PR #13892, 2026) have one
 */
public record ChatwootInbox(long id, String name, String channelType, @Nullable String phoneNumber,
        @Nullable String webhookSecret) {

    /** Never the secret. */
    @Override
    public String toString() {
        return "ChatwootInbox[id=" + id + ", name=" + name + ", channelType=" + channelType + ", phoneNumber="
                + phoneNumber + ", webhookSecret=" + (webhookSecret == null ? "none" : "(redacted)") + "]";
    }

    public boolean apiChannel() {
        return "Channel::Api".equals(channelType);
    }
}
