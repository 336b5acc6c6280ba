package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.outbound.OutboundPolicy;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.Paging;
import com.whatpro.hub.providers.Lids;
import com.whatpro.hub.providers.MediaMessage;
import com.whatpro.hub.providers.PhoneNumbers;
import com.whatpro.hub.providers.Providers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/messages")
@Tag(name = "Messages")
class MessagesController {

    private static final Set<String> STATUSES = Set.of("received", "pending", "sent", "delivered", "read", "failed");

    private final Messages messages;
    private final Outbox outbox;
    private final Providers providers;
    private final OutboundPolicy outbound;

    MessagesController(Messages messages, Outbox outbox, Providers providers, OutboundPolicy outbound) {
        this.outbound = outbound;
        this.messages = messages;
        this.outbox = outbox;
        this.providers = providers;
    }

    record MediaRequest(@NotBlank String kind, @NotBlank @Size(max = 2000) String url,
            @Nullable @Size(max = 1024) String caption, @Nullable @Size(max = 255) String fileName,
            @Nullable @Size(max = 255) String mimeType) {
    }

    record SendRequest(@NotNull UUID providerId, @NotBlank @Size(max = 32) String to,
            @Nullable @Size(max = 4096) String text, @Nullable @Valid MediaRequest media) {
    }

    record Queued(UUID id, String status) {
    }

    record ErrorView(@Nullable String code, @Nullable String message) {
    }

    /** A contact whose phone WhatsApp hides has no {@code contact_phone}, only its {@code contact_lid}. */
    record MessageView(UUID id, String direction, String origin, String status, UUID providerId,
            @Nullable String providerMessageId, @Nullable String contactPhone, @Nullable String contactLid,
            @Nullable String contactName, @Nullable String text, @Nullable JsonNode media,
            @Nullable Long chatwootConversationId, @Nullable Long chatwootMessageId, @Nullable ErrorView error,
            Instant createdAt, Instant updatedAt) {

        static MessageView of(Messages.Message m) {
            var lid = Lids.isLid(m.contactPhone());
            return new MessageView(m.id(), m.direction().name().toLowerCase(Locale.ROOT),
                    m.origin().name().toLowerCase(Locale.ROOT), m.status(), m.providerId(), m.providerMessageId(),
                    lid ? null : m.contactPhone(), lid ? m.contactPhone() : null, m.contactName(), m.text(), m.media(),
                    m.chatwootConversationId(), m.chatwootMessageId(),
                    m.errorCode() == null && m.errorMessage() == null ? null
                            : new ErrorView(m.errorCode(), m.errorMessage()),
                    m.createdAt(), m.updatedAt());
        }
    }

    @PostMapping
    @Requires(Permission.MESSAGES_SEND)
    @Operation(summary = "Send a WhatsApp message (text or media by URL); queued under the number's send limits",
            description = "With a Chatwoot connection, once the provider took the message it is also posted in the "
                    + "contact's Chatwoot conversation as an outgoing message with source_id whatpro:api:{id} "
                    + "(media as its caption and link), and its delivery statuses show there; the send never waits "
                    + "for Chatwoot. A message the provider refuses is not posted there.")
    ResponseEntity<Queued> send(@PathVariable long accountId, @Valid @RequestBody SendRequest request) {
        var account = Callers.requiredAccess().account();
        var hasText = request.text() != null && !request.text().isBlank();
        if (hasText == (request.media() != null)) {
            throw ApiProblem.invalid(request.media() == null ? "text" : "media", "give either text or media");
        }
        String to;
        try {
            to = PhoneNumbers.toE164(request.to());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("to", "must be a phone number with country code, e.g. +5511999999999");
        }
        var provider = providers.find(account, request.providerId())
                .orElseThrow(() -> ApiProblem.invalid("provider_id", "no such provider in this account"));
        var id = outbox.queueDirect(account, provider, to, new Outbox.Outgoing(hasText ? request.text() : null,
                request.media() == null ? null : media(request.media())));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Queued(id, "pending"));
    }

    @Operation(summary = "List messages, newest first")
    @GetMapping
    @Requires(Permission.MESSAGES_READ)
    Paging.Page<MessageView> list(@PathVariable long accountId,
            @RequestParam(required = false) @Nullable String direction,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(name = "chatwoot_conversation_id", required = false) @Nullable Long chatwootConversationId,
            @RequestParam(name = "provider_id", required = false) @Nullable UUID providerId,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable Integer limit) {
        var size = Paging.limit(limit);
        Messages.Direction dir = null;
        if (direction != null) {
            dir = switch (direction) {
                case "inbound" -> Messages.Direction.INBOUND;
                case "outbound" -> Messages.Direction.OUTBOUND;
                default -> throw ApiProblem.invalid("direction", "must be inbound or outbound");
            };
        }
        if (status != null && !STATUSES.contains(status)) {
            throw ApiProblem.invalid("status", "must be one of " + STATUSES.stream().sorted().toList());
        }
        var rows = messages.page(Callers.requiredAccess().account(),
                new Messages.Filter(dir, status, chatwootConversationId, providerId), cursor(cursor), size + 1);
        return Paging.of(rows, size, MessageView::of, m -> m.id().toString());
    }

    @GetMapping("/{messageId}")
    @Requires(Permission.MESSAGES_READ)
    @Operation(summary = "A message, with its status and, once it is in Chatwoot, its Chatwoot conversation and "
            + "message ids")
    MessageView get(@PathVariable long accountId, @PathVariable UUID messageId) {
        return messages.find(Callers.requiredAccess().account(), messageId).map(MessageView::of)
                .orElseThrow(() -> ApiProblem.notFound("message"));
    }

    static @Nullable UUID cursor(@Nullable String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "is not a cursor this API gave");
        }
    }

    /** The provider fetches the file, on the hub's behalf: its URL passes the same outbound policy. */
    private MediaMessage media(MediaRequest media) {
        MediaMessage.Kind kind;
        try {
            kind = MediaMessage.Kind.valueOf(media.kind().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("media.kind", "must be image, video, audio or document");
        }
        try {
            var url = new URI(media.url().strip());
            var scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (url.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw ApiProblem.invalid("media.url", "must be an absolute http(s) URL");
            }
            outbound.require("media.url", url);
            return new MediaMessage(kind, url, media.mimeType(), media.caption(), media.fileName());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw ApiProblem.invalid("media.url", "must be an absolute http(s) URL");
        }
    }
}
