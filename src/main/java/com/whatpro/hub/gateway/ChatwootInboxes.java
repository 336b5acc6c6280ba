package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootException;
import com.whatpro.hub.chatwoot.ChatwootInbox;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.Providers;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Chatwoot inbox per WhatsApp number: an API-channel inbox named like the number, whose webhook is the hub's
 * Chatwoot webhook URL of the account, created in the account's Chatwoot or, when one of that name exists there,
 * adopted (its webhook pointed at the hub). The number then keeps its conversations there
 * ({@code chatwoot_inbox_id}) and the replies written there go out through it ({@link OutboundBridge}). The
 * secret Chatwoot signs that inbox's webhooks with, when it shows one, is kept, so those deliveries pass the
 * connection's signature check; doing this again picks up a secret that was reset in Chatwoot.
 */
@Service
class ChatwootInboxes {

    static final String WEBHOOK_PATH = "/api/v1/webhooks/chatwoot/";

    private final Providers providers;
    private final ChatwootConnections connections;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;

    ChatwootInboxes(Providers providers, ChatwootConnections connections, ApplicationEventPublisher events,
            PlatformTransactionManager transactions) {
        this.providers = providers;
        this.connections = connections;
        this.events = events;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** The path of the hub's Chatwoot webhook URL of the account, secret included; empty without a connection. */
    Optional<String> webhookPath(AccountId account) {
        return connections.urlSecret(account).map(secret -> WEBHOOK_PATH + account + "/" + secret);
    }

    /**
     * Creates or adopts the number's inbox and sets it on the provider. Call it in the account's scope, outside a
     * transaction: it waits for Chatwoot.
     *
     * @param hubWebhookUrl the hub's Chatwoot webhook URL of the account ({@link #webhookPath})
     * @return the inbox id; empty when the account has no such provider
     * @throws ApiProblem 409 without a Chatwoot connection, or when the inbox of that name is not an API channel or
     *         is another number's; 502 when Chatwoot refuses or cannot be reached
     */
    Optional<Long> ensure(AccountId account, UUID providerId, URI hubWebhookUrl, @Nullable UUID actor) {
        var provider = providers.find(account, providerId);
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        var link = connections.link(account).orElseThrow(() -> ApiProblem.conflict("chatwoot-not-connected",
                "Connect the account's Chatwoot first (PUT /accounts/{id}/chatwoot)."));
        var name = provider.get().name();
        ChatwootInbox inbox;
        boolean adopted;
        try {
            var client = link.client();
            var existing = client.inboxes().stream()
                    .filter(found -> found.name().strip().toLowerCase(Locale.ROOT)
                            .equals(name.strip().toLowerCase(Locale.ROOT)))
                    .findFirst();
            if (existing.isPresent()) {
                inbox = existing.get();
                if (!inbox.apiChannel()) {
                    throw ApiProblem.conflict("inbox-not-api-channel", "The Chatwoot inbox named '" + inbox.name()
                            + "' is a " + inbox.channelType() + " inbox, not an API channel: rename the number or "
                            + "that inbox.");
                }
                requireFree(account, providerId, inbox.id());
                client.setInboxWebhook(inbox.id(), hubWebhookUrl);
                adopted = true;
            } else {
                inbox = client.createApiInbox(name, hubWebhookUrl);
                adopted = false;
            }
        } catch (ChatwootException failed) {
            throw new ApiProblem(HttpStatus.BAD_GATEWAY, "chatwoot-error", "Chatwoot error",
                    "Chatwoot did not create the inbox: " + failed.getMessage());
        }
        var inboxId = inbox.id();
        // before the number names the inbox, so its first signed delivery finds the secret
        connections.keepInboxSecret(account, inboxId, inbox.webhookSecret());
        providers.update(account, providerId, new Providers.ProviderUpdate(null, null, null, inboxId, null), actor);
        transactions.executeWithoutResult(status -> events.publishEvent(new GatewayChanged(account,
                adopted ? "provider.chatwoot_inbox_adopted" : "provider.chatwoot_inbox_created", "provider",
                providerId.toString(), Map.of("chatwoot_inbox_id", inboxId, "name", inbox.name(),
                        "signed_deliveries", inbox.webhookSecret() != null))));
        return Optional.of(inboxId);
    }

    /** Two numbers in one inbox could not tell whose a reply is. */
    private void requireFree(AccountId account, UUID providerId, long inboxId) {
        var other = providers.list(account).stream()
                .filter(provider -> !provider.id().equals(providerId)
                        && Objects.equals(provider.chatwootInboxId(), inboxId))
                .findFirst();
        if (other.isPresent()) {
            throw ApiProblem.conflict("inbox-taken", "Chatwoot inbox " + inboxId + " already belongs to the number '"
                    + other.get().name() + "'.");
        }
    }

    /** Notes that the inbox of a new number could not be made; the number works with the account's inbox meanwhile. */
    void failed(AccountId account, UUID providerId, String reason) {
        transactions.executeWithoutResult(status -> events.publishEvent(new GatewayChanged(account,
                "provider.chatwoot_inbox_failed", "provider", providerId.toString(), Map.of("reason", reason))));
    }
}
