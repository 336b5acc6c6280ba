package com.whatpro.hub.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/webhooks")
@Tag(name = "Webhooks")
class WebhookSubscriptionsController {

    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final DeliveryWorker worker;

    WebhookSubscriptionsController(Subscriptions subscriptions, Deliveries deliveries, DeliveryWorker worker) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.worker = worker;
    }

    record WebhookView(UUID id, String url, List<String> events, @Nullable String description, boolean enabled,
            @Nullable String disabledReason, @Nullable Instant failingSince, Instant createdAt, Instant updatedAt) {
        static WebhookView of(Subscriptions.Subscription s) {
            return new WebhookView(s.id(), s.url(), s.events(), s.description(), s.enabled(), s.disabledReason(),
                    s.failingSince(), s.createdAt(), s.updatedAt());
        }
    }

    record CreatedWebhook(UUID id, String url, List<String> events, @Nullable String description, boolean enabled,
            Instant createdAt, String secret) {
    }

    record WebhookList(List<WebhookView> items, @Nullable String nextCursor) {
    }

    record CreateWebhook(@NotBlank @Size(max = 2000) String url, @NotNull @Size(min = 1, max = 20) List<@NotBlank String> events,
            @Nullable @Size(max = 2000) String description) {
    }

    record UpdateWebhook(@Nullable @Size(min = 1, max = 2000) String url,
            @Nullable @Size(min = 1, max = 20) List<@NotBlank String> events,
            @Nullable @Size(max = 2000) String description, @Nullable Boolean enabled) {
    }

    record DeliveryView(UUID id, String event, String status, int attempts, @Nullable Integer lastStatus,
            @Nullable String lastError, @Nullable Instant deliveredAt, @Nullable Instant nextAttemptAt,
            Instant createdAt) {
        static DeliveryView of(Deliveries.Delivery d) {
            return new DeliveryView(d.id(), d.event(), d.status().key(), d.attempts(), d.lastStatus(), d.lastError(),
                    d.deliveredAt(), d.nextAttemptAt(), d.createdAt());
        }
    }

    @GetMapping
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "List the account's outgoing webhooks (never their secrets)")
    WebhookList list(@PathVariable long accountId) {
        return new WebhookList(subscriptions.list(Callers.requiredAccess().account()).stream().map(WebhookView::of)
                .toList(), null);
    }

    @PostMapping
    @Requires(Permission.WEBHOOKS_MANAGE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Subscribe a URL to events; the signing secret appears only in this answer")
    ResponseEntity<CreatedWebhook> create(@PathVariable long accountId, @Valid @RequestBody CreateWebhook request) {
        var access = Callers.requiredAccess();
        var created = subscriptions.create(access.account(), request.url(), request.events(), request.description(),
                access.caller().id());
        var s = created.subscription();
        return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store").body(new CreatedWebhook(
                s.id(), s.url(), s.events(), s.description(), s.enabled(), s.createdAt(), created.secret()));
    }

    @GetMapping("/{webhookId}")
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "Read one outgoing webhook (never its secret)")
    WebhookView get(@PathVariable long accountId, @PathVariable UUID webhookId) {
        return subscriptions.find(Callers.requiredAccess().account(), webhookId).map(WebhookView::of)
                .orElseThrow(() -> ApiProblem.notFound("webhook"));
    }

    @PatchMapping("/{webhookId}")
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "Change an outgoing webhook's URL, events or description, or enable or disable it")
    WebhookView update(@PathVariable long accountId, @PathVariable UUID webhookId,
            @Valid @RequestBody UpdateWebhook request) {
        var access = Callers.requiredAccess();
        return subscriptions.update(access.account(), webhookId, new Subscriptions.Change(request.url(),
                        request.events(), request.description(), request.enabled()), access.caller().id())
                .map(WebhookView::of).orElseThrow(() -> ApiProblem.notFound("webhook"));
    }

    @DeleteMapping("/{webhookId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "Delete an outgoing webhook and its deliveries; 204")
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID webhookId) {
        var access = Callers.requiredAccess();
        if (!subscriptions.delete(access.account(), webhookId, access.caller().id())) {
            throw ApiProblem.notFound("webhook");
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{webhookId}/deliveries")
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "List an outgoing webhook's deliveries, newest first")
    Paging.Page<DeliveryView> deliveries(@PathVariable long accountId, @PathVariable UUID webhookId,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable UUID cursor) {
        var account = Callers.requiredAccess().account();
        if (subscriptions.find(account, webhookId).isEmpty()) {
            throw ApiProblem.notFound("webhook");
        }
        int size = Paging.limit(limit);
        return Paging.of(deliveries.list(account, webhookId, size + 1, cursor), size, DeliveryView::of,
                delivery -> delivery.id().toString());
    }

    @PostMapping("/{webhookId}/deliveries/{deliveryId}/redeliver")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Requires(Permission.WEBHOOKS_MANAGE)
    @Operation(summary = "Send a delivery again, with the same webhook-id; 202")
    ResponseEntity<DeliveryView> redeliver(@PathVariable long accountId, @PathVariable UUID webhookId,
            @PathVariable UUID deliveryId) {
        var access = Callers.requiredAccess();
        var account = access.account();
        var subscription = subscriptions.find(account, webhookId).orElseThrow(() -> ApiProblem.notFound("webhook"));
        var delivery = deliveries.find(account, webhookId, deliveryId)
                .orElseThrow(() -> ApiProblem.notFound("delivery"));
        if (!subscription.enabled()) {
            throw ApiProblem.conflict("webhook-disabled", "The webhook is disabled; enable it before redelivering.");
        }
        if (!subscriptions.redeliver(account, webhookId, deliveryId, access.caller().id())) {
            throw ApiProblem.conflict("delivery-pending", "The delivery is still being sent or retried.");
        }
        worker.wake();
        var queued = deliveries.find(account, webhookId, delivery.id()).orElseThrow();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(DeliveryView.of(queued));
    }
}
