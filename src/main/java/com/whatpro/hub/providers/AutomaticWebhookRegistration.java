package com.whatpro.hub.providers;

import com.whatpro.hub.platform.Tenancy;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Registers a provider's webhook at the provider when it is created and whenever what the registration depends on
 * changes: where the provider is, who the hub is to it, or the webhook URL's secret. The change is marked pending in
 * its own transaction; the provider is called after the commit, in the background, so a slow or unreachable
 * provider neither slows nor fails the change. A crash in between is made up for on restart (the event publication
 * registry republishes it).
 */
@Component
class AutomaticWebhookRegistration {

    private static final Set<String> REGISTERED_SETTINGS = Set.of("base_url", "instance_name", "credentials");

    private final WebhookRegistrations registrations;

    AutomaticWebhookRegistration(WebhookRegistrations registrations) {
        this.registrations = registrations;
    }

    @EventListener
    void markPending(ProviderChanged event) {
        if (due(event)) {
            registrations.markPending(event.account(), event.providerId());
        }
    }

    @Async
    @TransactionalEventListener
    void register(ProviderChanged event) {
        if (due(event)) {
            Tenancy.runAs(event.account(), () -> registrations.register(event.account(), event.providerId()));
        }
    }

    private static boolean due(ProviderChanged event) {
        return switch (event.action()) {
            case "provider.created", "provider.webhook_secret_rotated" -> true;
            case "provider.updated" -> event.changes().keySet().stream().anyMatch(REGISTERED_SETTINGS::contains);
            default -> false;
        };
    }
}
