package com.whatpro.hub.webhooks;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/**
 * An outgoing webhook subscription was created, updated, deleted, disabled (by the hub, after failing for too long or
 * on a 410 Gone), or one of its deliveries redelivered ({@code action}: {@code webhook.created},
 * {@code webhook.updated}, {@code webhook.deleted}, {@code webhook.disabled}, {@code webhook.redelivered}). The
 * secret never appears; URLs only by their host, as their paths often hold a receiver's token.
 */
public record WebhookChanged(AccountId account, UUID webhookId, String action, Map<String, Object> changes,
        @Nullable UUID actor) implements Auditable {

    @Override
    public AccountId auditAccount() {
        return account;
    }

    @Override
    public String auditAction() {
        return action;
    }

    @Override
    public String auditResourceType() {
        return "webhook";
    }

    @Override
    public String auditResourceId() {
        return webhookId.toString();
    }

    @Override
    public Map<String, ?> auditChanges() {
        return changes;
    }

    @Override
    public @Nullable Actor auditActor() {
        return actor == null ? Actor.system() : Actor.user(actor);
    }
}
