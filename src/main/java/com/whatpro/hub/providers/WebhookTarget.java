package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import java.util.UUID;

/** The provider a webhook URL belongs to, with what it takes to verify and read the webhook. */
public record WebhookTarget(AccountId account, UUID providerId, ProviderEndpoint endpoint, ProviderAdapter adapter) {

    public ProviderType type() {
        return endpoint.type();
    }
}
