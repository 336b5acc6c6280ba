package com.whatpro.hub.providers;

import com.whatpro.hub.platform.AccountId;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A WhatsApp number an account connected through a provider. Carries no credentials.
 *
 * @param chatwootInboxId the Chatwoot inbox its conversations live in, when set on the provider itself
 * @param status the last known state; null until the first health check or connection event
 * @param lastEventAt when its last webhook arrived (kept up to date within seconds)
 * @param phoneNumber the linked number in E.164, once the provider said it
 * @param profileName the linked number's WhatsApp profile name, once the provider said it
 * @param provisioned whether the hub created the instance at the provider
 * @param connectionUpdatedAt when the connection (state, codes, phone or profile) last changed
 */
public record Provider(
        UUID id,
        AccountId account,
        String name,
        ProviderType type,
        URI baseUrl,
        @Nullable String instanceName,
        @Nullable Long chatwootInboxId,
        ConnectionState.@Nullable Status status,
        @Nullable String statusDetail,
        @Nullable Instant checkedAt,
        @Nullable Instant lastEventAt,
        Instant createdAt,
        Instant updatedAt,
        @Nullable String phoneNumber,
        @Nullable String profileName,
        boolean provisioned,
        @Nullable Instant connectionUpdatedAt) {
}
