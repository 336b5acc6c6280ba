package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ExpiringCache;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderType;
import com.whatpro.hub.providers.Providers;
import com.whatpro.hub.providers.ProvidersSettings;
import com.whatpro.hub.providers.WebhookTarget;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Which Cloud API number of an account a webhook change is for. Meta sends the events of every number of an app to
 * the app's one callback URL, which is one number's URL in the hub, and names the number of each change by its phone
 * number id. A change is for the account's Cloud API number with that id; the numbers of other accounts are never
 * looked at. Look-ups other than the URL's own number are cached like the rest of webhook intake
 * ({@link ProvidersSettings#webhookCacheTtl()}).
 */
@Component
class CloudApiNumbers {

    private static final Logger log = LoggerFactory.getLogger(CloudApiNumbers.class);

    private final Providers providers;
    private final ExpiringCache<Key, UUID> numbers;

    CloudApiNumbers(Providers providers, ProvidersSettings settings, Clock clock) {
        this.providers = providers;
        this.numbers = settings.webhookCache(clock);
    }

    private record Key(AccountId account, String phoneNumberId) {
    }

    /** The provider of {@code target}'s account whose Cloud API number has this id; empty when none has. */
    Optional<UUID> provider(WebhookTarget target, String phoneNumberId) {
        if (target.endpoint().credentials() instanceof ProviderCredentials.CloudApi own
                && phoneNumberId.equals(own.phoneNumberId())) {
            return Optional.of(target.providerId());
        }
        return numbers.get(new Key(target.account(), phoneNumberId),
                key -> Tenancy.callAs(key.account(), () -> find(key)));
    }

    private Optional<UUID> find(Key key) {
        for (var provider : providers.list(key.account())) {
            if (provider.type() != ProviderType.CLOUD_API) {
                continue;
            }
            try {
                var endpoint = providers.endpoint(key.account(), provider.id());
                if (endpoint.isPresent() && endpoint.get().credentials() instanceof ProviderCredentials.CloudApi cloud
                        && key.phoneNumberId().equals(cloud.phoneNumberId())) {
                    return Optional.of(provider.id());
                }
            } catch (CredentialDecryptionException e) {
                log.warn("The credentials of provider {} cannot be decrypted; its webhooks cannot be routed to it",
                        provider.id());
            }
        }
        return Optional.empty();
    }
}
