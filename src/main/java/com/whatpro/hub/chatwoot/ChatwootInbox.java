package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/**
 * A Chatwoot inbox.
 *
 * @param channelType {@code Channel::Api}, {@code Channel::Whatsapp}, {@code Channel::WebWidget}, …
 * @param phoneNumber the inbox's own number, for phone channels
 */
public record ChatwootInbox(long id, String name, String channelType, @Nullable String phoneNumber) {

    public boolean apiChannel() {
        return "Channel::Api".equals(channelType);
    }
}
