package com.whatpro.hub.providers;

import java.util.List;

/** What a provider did when asked to send its webhooks to the hub ({@link ProviderAdapter#registerWebhook}). */
public sealed interface WebhookSetup {

    /** The provider now sends these events, in its own names, to the webhook URL. */
    record Registered(List<String> events) implements WebhookSetup {

        public Registered {
            events = List.copyOf(events);
        }
    }

    /**
     * The provider's webhook cannot be set with the credentials the hub holds; someone has to do it by hand.
     *
     * @param instructions where and what to configure; never the webhook URL itself, which carries a secret
     */
    record Manual(String instructions) implements WebhookSetup {
    }
}
