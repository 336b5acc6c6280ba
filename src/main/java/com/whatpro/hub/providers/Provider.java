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
        Instant updatedAt) {
}
