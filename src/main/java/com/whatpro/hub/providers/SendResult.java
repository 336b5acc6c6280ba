package com.whatpro.hub.providers;

/**
 * A provider accepted a message.
 *
 * @param providerMessageId the id its status webhooks will refer to
 */
public record SendResult(String providerMessageId) {
}
