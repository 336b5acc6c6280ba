package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.PlatformSettings;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.web.PublicUrls;
import com.whatpro.hub.providers.ProviderChanged;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Gives a new number its own Chatwoot inbox ({@link ChatwootInboxes}) when the account is connected to Chatwoot and
 * the number came without {@code chatwoot_inbox_id}: after the provider's creation commits, in the background, so
 * Chatwoot being slow or down never fails or slows the creation. The webhook is registered only under
 * {@code WHATPRO_PUBLIC_URL} (an address Chatwoot can reach); without it nothing is created. A failure is audited
 * ({@code provider.chatwoot_inbox_failed}) and the number keeps using the connection's {@code inbox_id} until
 * {@code POST …/providers/{id}/chatwoot-inbox} succeeds.
 */
@Component
class AutomaticChatwootInbox {

    private static final Logger log = LoggerFactory.getLogger(AutomaticChatwootInbox.class);

    private final ChatwootInboxes inboxes;
    private final ChatwootConnections connections;
    private final com.whatpro.hub.providers.Providers providers;
    private final PlatformSettings settings;

    AutomaticChatwootInbox(ChatwootInboxes inboxes, ChatwootConnections connections,
            com.whatpro.hub.providers.Providers providers, PlatformSettings settings) {
        this.inboxes = inboxes;
        this.connections = connections;
        this.providers = providers;
        this.settings = settings;
    }

    @Async
    @TransactionalEventListener
    void onCreated(ProviderChanged event) {
        if (!"provider.created".equals(event.action())) {
            return;
        }
        var account = event.account();
        Tenancy.runAs(account, () -> {
            var provider = providers.find(account, event.providerId());
            if (provider.isEmpty() || provider.get().chatwootInboxId() != null
                    || connections.find(account).isEmpty()) {
                return;
            }
            var url = inboxes.webhookPath(account).flatMap(path -> PublicUrls.configured(settings, path));
            if (url.isEmpty()) {
                return;
            }
            try {
                inboxes.ensure(account, event.providerId(), URI.create(url.get()), event.actor());
            } catch (RuntimeException failed) {
                log.warn("No Chatwoot inbox for provider {} of account {}: {}", event.providerId(), account,
                        failed.getMessage());
                inboxes.failed(account, event.providerId(), failed.getMessage() == null ? "unknown"
                        : failed.getMessage());
            }
        });
    }
}
