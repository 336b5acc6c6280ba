package com.whatpro.hub.webhooks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.gateway.MessageReceived;
import com.whatpro.hub.gateway.MessageSent;
import com.whatpro.hub.gateway.MessageStatusChanged;
import com.whatpro.hub.kanban.CardChanged;
import com.whatpro.hub.kanban.CardMoved;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.providers.ProviderConnectionChanged;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the other modules' events into deliveries for the subscriptions that want them, in the transaction of the
 * change that caused them: the deliveries commit with the change or not at all, so a crash loses none and none is
 * doubled, and an event nobody subscribed to costs one indexed query. The worker is woken once the change commits.
 * An event published outside a transaction gets one of its own; one published in another scope's transaction is
 * turned into deliveries right after that one commits.
 */
@Component
class EventsToDeliveries {

    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final DeliveryWorker worker;
    private final JsonMapper json;
    private final TransactionTemplate transactions;

    EventsToDeliveries(Subscriptions subscriptions, Deliveries deliveries, DeliveryWorker worker, JsonMapper json,
            PlatformTransactionManager transactions) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.worker = worker;
        this.json = json;
        this.transactions = new TransactionTemplate(transactions);
    }

    @EventListener
    void on(CardChanged event) {
        var type = switch (event.action()) {
            case "card.created" -> EventType.CARD_CREATED;
            case "card.deleted" -> EventType.CARD_DELETED;
            default -> EventType.CARD_UPDATED;
        };
        var data = new LinkedHashMap<String, Object>();
        data.put("account_id", event.account().value());
        data.put("board_id", event.boardId().toString());
        data.put("card_id", event.cardId().toString());
        data.put("action", event.action());
        data.put("changes", event.changes());
        data.put("actor_id", event.actor() == null ? null : event.actor().toString());
        deliver(event.account(), type, data);
    }

    @EventListener
    void on(CardMoved event) {
        var data = new LinkedHashMap<String, Object>();
        data.put("account_id", event.account().value());
        data.put("board_id", event.boardId().toString());
        data.put("card_id", event.cardId().toString());
        data.put("from_stage_id", event.fromStageId().toString());
        data.put("to_stage_id", event.toStageId().toString());
        data.put("rank", event.rank());
        data.put("actor_id", event.actor() == null ? null : event.actor().toString());
        deliver(event.account(), EventType.CARD_MOVED, data);
    }

    @EventListener
    void on(ProviderConnectionChanged event) {
        var data = new LinkedHashMap<String, Object>();
        data.put("account_id", event.account().value());
        data.put("provider_id", event.providerId().toString());
        data.put("status", event.status().jsonName());
        data.put("previous_status", event.previous() == null ? null : event.previous().jsonName());
        data.put("detail", event.detail());
        deliver(event.account(), EventType.PROVIDER_CONNECTION, data);
    }

    @EventListener
    void on(MessageReceived event) {
        deliver(event.account(), EventType.MESSAGE_RECEIVED, message(event.account(), event.messageId(), "inbound",
                "received", null, event.providerId(), null, event.chatwootConversationId(), null,
                event.receivedAt()));
    }

    @EventListener
    void on(MessageSent event) {
        var data = message(event.account(), event.messageId(), "outbound", "sent", null, event.providerId(),
                event.providerMessageId(), event.chatwootConversationId(), null, event.sentAt());
        data.put("origin", event.origin());
        deliver(event.account(), EventType.MESSAGE_SENT, data);
    }

    @EventListener
    void on(MessageStatusChanged event) {
        deliver(event.account(), EventType.MESSAGE_STATUS, message(event.account(), event.messageId(), "outbound",
                event.status(), event.previousStatus(), event.providerId(), event.providerMessageId(),
                event.chatwootConversationId(), event.errorCode(), event.changedAt()));
    }

    /** A message event's data: ids and statuses, never the text (docs/webhooks.md). */
    private static Map<String, Object> message(AccountId account, UUID messageId, String direction, String status,
            @Nullable String previousStatus, UUID providerId, @Nullable String providerMessageId,
            @Nullable Long chatwootConversationId, @Nullable String errorCode, Instant at) {
        var data = new LinkedHashMap<String, Object>();
        data.put("account_id", account.value());
        data.put("message_id", messageId.toString());
        data.put("direction", direction);
        data.put("status", status);
        if (previousStatus != null) {
            data.put("previous_status", previousStatus);
        }
        data.put("provider_id", providerId.toString());
        data.put("provider_message_id", providerMessageId);
        data.put("chatwoot_conversation_id", chatwootConversationId);
        if ("failed".equals(status)) {
            data.put("error_code", errorCode);
        }
        data.put("occurred_at", at.toString());
        return data;
    }

    private void deliver(AccountId account, EventType type, Map<String, Object> data) {
        if (TransactionSynchronizationManager.isActualTransactionActive()
                && Tenancy.currentAccount().filter(account::equals).isPresent()) {
            if (enqueue(account, type, data)) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        worker.wake();
                    }
                });
            }
        } else if (TransactionSynchronizationManager.isActualTransactionActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    // that transaction's scope and connection are still bound to this thread: work on another
                    Thread.ofVirtual().name("webhook-events").start(() -> inOwnTransaction(account, type, data));
                }
            });
        } else {
            inOwnTransaction(account, type, data);
        }
    }

    private void inOwnTransaction(AccountId account, EventType type, Map<String, Object> data) {
        if (Boolean.TRUE.equals(Tenancy.callAs(account, () -> transactions.execute(status ->
                enqueue(account, type, data))))) {
            worker.wake();
        }
    }

    /** Adds a delivery of the event for each subscription that wants it; false when there is none. */
    private boolean enqueue(AccountId account, EventType type, Map<String, Object> data) {
        var subscribers = subscriptions.subscribers(account, type);
        if (subscribers.isEmpty()) {
            return false;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("type", type.key());
        body.put("timestamp", Instant.now().toString());
        body.put("data", data);
        deliveries.enqueue(account, subscribers, type, json.writeValueAsString(body));
        return true;
    }
}
