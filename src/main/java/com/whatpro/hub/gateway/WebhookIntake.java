package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootDelivery;
import com.whatpro.hub.chatwoot.ChatwootEvent;
import com.whatpro.hub.chatwoot.ChatwootMessageType;
import com.whatpro.hub.chatwoot.ChatwootWebhooks;
import com.whatpro.hub.chatwoot.InvalidWebhookSignature;
import com.whatpro.hub.chatwoot.MalformedChatwootWebhook;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.providers.AddressedEvents;
import com.whatpro.hub.providers.CloudApiHandshake;
import com.whatpro.hub.providers.ConnectionUpdate;
import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.LidMapping;
import com.whatpro.hub.providers.MalformedWebhook;
import com.whatpro.hub.providers.ProviderCredentials;
import com.whatpro.hub.providers.ProviderEvent;
import com.whatpro.hub.providers.Providers;
import com.whatpro.hub.providers.StatusUpdate;
import com.whatpro.hub.providers.WebhookTarget;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Takes webhooks in: finds whom the URL belongs to (unknown or wrong secret: 404, the same either way), checks the
 * sender's own signature or token (401), reads the payload (400), and stores the work it implies in the queue of
 * that account, dropping duplicates. Only then is the webhook answered 2xx; the work itself is done by the workers.
 * A Cloud API change is for the account's number it names ({@link CloudApiNumbers}), whichever number's URL it came
 * to; a change for a number the account does not have is acknowledged and dropped (logged and counted).
 */
@Service
class WebhookIntake {

    private static final Logger log = LoggerFactory.getLogger(WebhookIntake.class);

    private final Providers providers;
    private final CloudApiNumbers numbers;
    private final QueueMetrics metrics;
    private final ChatwootConnections connections;
    private final ChatwootWebhooks chatwootWebhooks;
    private final InboxSecretRefresh inboxSecretRefresh;
    private final IntakeBatcher batcher;
    private final GatewaySettings settings;
    private final Clock clock;

    WebhookIntake(Providers providers, CloudApiNumbers numbers, ChatwootConnections connections,
            ChatwootWebhooks chatwootWebhooks, InboxSecretRefresh inboxSecretRefresh, IntakeBatcher batcher,
            QueueMetrics metrics, GatewaySettings settings, Clock clock) {
        this.inboxSecretRefresh = inboxSecretRefresh;
        this.providers = providers;
        this.numbers = numbers;
        this.metrics = metrics;
        this.connections = connections;
        this.chatwootWebhooks = chatwootWebhooks;
        this.batcher = batcher;
        this.settings = settings;
        this.clock = clock;
    }

    /** What became of a webhook: events stored, and events recognised as duplicates and dropped. */
    record Accepted(int stored, int duplicates) {
    }

    /** Meta's subscription handshake: the challenge, when the verify token is the provider's. */
    String handshake(String providerId, String secret, @Nullable String mode, @Nullable String verifyToken,
            @Nullable String challenge) {
        var target = target(providerId, secret);
        if (!(target.endpoint().credentials() instanceof ProviderCredentials.CloudApi cloud)) {
            throw ApiProblem.notFound("webhook");
        }
        return CloudApiHandshake.challenge(mode, verifyToken, challenge, cloud.verifyToken())
                .orElseThrow(() -> ApiProblem.forbidden("The verify token does not match."));
    }

    Accepted provider(String providerId, String secret, Map<String, String> headers, byte[] body) {
        var target = target(providerId, secret);
        if (!target.adapter().verifyWebhook(target.endpoint(), headers, body)) {
            throw ApiProblem.unauthorized("The webhook's signature or token does not match.");
        }
        providers.eventReceived(target.providerId());
        List<AddressedEvents> addressed;
        try {
            addressed = target.adapter().parseAddressedWebhook(body);
        } catch (MalformedWebhook e) {
            throw ApiProblem.badRequest("The webhook body is not a " + target.type().jsonName() + " payload.");
        }
        var work = new ArrayList<Jobs.NewJob>();
        for (var events : addressed) {
            var provider = events.phoneNumberId() == null ? Optional.of(target.providerId())
                    : numbers.provider(target, events.phoneNumberId());
            if (provider.isEmpty()) {
                // acknowledged all the same: Meta would only deliver it again, and no number here could take it
                log.warn("A Cloud API webhook to provider {} of account {} carried {} event(s) for phone number id {},"
                        + " which no Cloud API number of the account has; dropped", target.providerId(),
                        target.account().value(), events.events().size(), events.phoneNumberId());
                metrics.droppedForUnknownNumber(events.events().size());
                continue;
            }
            for (var event : events.events()) {
                work.add(job(provider.get(), event));
            }
        }
        return store(target.account(), work);
    }

    Accepted chatwoot(String accountId, String secret, ChatwootDelivery delivery, byte[] body) {
        var account = account(accountId);
        var target = account.flatMap(id -> connections.webhookTarget(id, secret))
                .orElseThrow(() -> ApiProblem.notFound("webhook"));
        if (!target.signingSecrets().isEmpty()) {
            try {
                chatwootWebhooks.verify(delivery, body, target.signingSecrets());
            } catch (InvalidWebhookSignature e) {
                if (e.reason() == InvalidWebhookSignature.Reason.MISMATCH) {
                    inboxSecretRefresh.request(target.account());
                }
                throw ApiProblem.unauthorized("The webhook signature is " + switch (e.reason()) {
                    case MISSING -> "missing.";
                    case MALFORMED -> "malformed.";
                    case STALE -> "too old or too far in the future.";
                    case MISMATCH -> "wrong.";
                });
            }
        }
        ChatwootEvent event;
        try {
            event = chatwootWebhooks.parse(body);
        } catch (MalformedChatwootWebhook e) {
            throw ApiProblem.badRequest("The webhook body is not a Chatwoot event.");
        }
        if (!(event instanceof ChatwootEvent.MessageCreated message) || !toWhatsApp(message, target)) {
            return new Accepted(0, 0);
        }
        var job = new JobKind.ChatwootMessage(message.messageId(), message.conversationId(), message.inboxId(),
                message.content(), message.attachments().stream()
                        .map(a -> new JobKind.ChatwootMessage.Attachment(a.fileType(), a.dataUrl())).toList(),
                message.contact() == null ? null : message.contact().phoneNumber(),
                message.contact() == null ? null : message.contact().identifier(),
                message.contact() == null ? null : message.contact().name());
        // the message id is stable across Chatwoot's retries of a delivery (and its delivery id), so it is the key
        return store(target.account(), List.of(new Jobs.NewJob(JobKind.CHATWOOT_MESSAGE,
                "chatwoot:message:" + message.messageId(), "conversation:" + message.conversationId(), job)));
    }

    /** An agent's (or bot's) public reply that the hub did not post itself. */
    private static boolean toWhatsApp(ChatwootEvent.MessageCreated message, ChatwootConnections.Target target) {
        return message.messageType() == ChatwootMessageType.OUTGOING
                && !message.privateNote()
                && !SourceIds.isOurs(message.sourceId())
                && message.accountId() == target.chatwootAccountId()
                && (message.content() != null && !message.content().isBlank() || !message.attachments().isEmpty());
    }

    /** @param provider the provider the event is for: the URL's own, or the Cloud API number a change names */
    private Jobs.NewJob job(UUID provider, ProviderEvent event) {
        return switch (event) {
            case InboundMessage message -> new Jobs.NewJob(JobKind.INBOUND,
                    "provider:" + provider + ":message:" + message.providerMessageId(),
                    "contact:" + (message.lid() != null ? message.lid() : message.from()),
                    new JobKind.Inbound(provider, message),
                    // let the answer to the hub's own send be recorded first, so its echo is recognised
                    message.fromMe() ? clock.instant().plus(settings.echoGrace()) : null);
            case StatusUpdate status -> new Jobs.NewJob(JobKind.STATUS,
                    "provider:" + provider + ":status:" + status.providerMessageId() + ":" + status.status().jsonName(),
                    "message:" + status.providerMessageId(), new JobKind.Status(provider, status));
            case ConnectionUpdate connection -> new Jobs.NewJob(JobKind.CONNECTION, null, "provider:" + provider,
                    new JobKind.Connection(provider, connection.state()));
            // in line with the LID's messages (keyed by LID too), so a message after it finds the phone
            case LidMapping mapping -> new Jobs.NewJob(JobKind.LID, null, "contact:" + mapping.lid(),
                    new JobKind.Lid(provider, mapping));
        };
    }

    private Accepted store(AccountId account, List<Jobs.NewJob> work) {
        if (work.isEmpty()) {
            return new Accepted(0, 0);
        }
        int stored = batcher.store(account, work);
        return new Accepted(stored, work.size() - stored);
    }

    private WebhookTarget target(String providerId, String secret) {
        UUID id;
        try {
            id = UUID.fromString(providerId);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("webhook");
        }
        return providers.webhookTarget(id, secret).orElseThrow(() -> ApiProblem.notFound("webhook"));
    }

    private static Optional<AccountId> account(String accountId) {
        try {
            var id = Long.parseLong(accountId);
            return id > 0 ? Optional.of(AccountId.of(id)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
