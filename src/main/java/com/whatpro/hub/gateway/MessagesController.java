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
import org.springframework.web.bind.annotation.ResponseStatus;
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
    private final ServiceWindows windows;
    private final TemplateSends templates;

    MessagesController(Messages messages, Outbox outbox, Providers providers, OutboundPolicy outbound,
            ServiceWindows windows, TemplateSends templates) {
        this.windows = windows;
        this.templates = templates;
        this.outbound = outbound;
        this.messages = messages;
        this.outbox = outbox;
        this.providers = providers;
    }

    record MediaRequest(@NotBlank String kind, @NotBlank @Size(max = 2000) String url,
            @Nullable @Size(max = 1024) String caption, @Nullable @Size(max = 255) String fileName,
            @Nullable @Size(max = 255) String mimeType) {
    }

    /**
     * A Cloud API message template, by name and language as synced from the number's WhatsApp Business Account.
     *
     * @param components the parameters in Meta's send format, e.g.
     *        {@code [{"type":"body","parameters":[{"type":"text","text":"Ana"}]}]}; a template with named parameters
     *        gives each one's {@code parameter_name}
     */
    record TemplateRequest(@NotBlank @Size(max = 512) String name, @NotBlank @Size(max = 20) String language,
            @Nullable JsonNode components) {
    }

    record SendRequest(@NotNull UUID providerId, @NotBlank @Size(max = 32) String to,
            @Nullable @Size(max = 4096) String text, @Nullable @Valid MediaRequest media,
            @Nullable @Valid TemplateRequest template) {
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
            Instant createdAt, Instant updatedAt, @Nullable JsonNode template) {

        static MessageView of(Messages.Message m) {
            var lid = Lids.isLid(m.contactPhone());
            return new MessageView(m.id(), m.direction().name().toLowerCase(Locale.ROOT),
                    m.origin().name().toLowerCase(Locale.ROOT), m.status(), m.providerId(), m.providerMessageId(),
                    lid ? null : m.contactPhone(), lid ? m.contactPhone() : null, m.contactName(), m.text(), m.media(),
                    m.chatwootConversationId(), m.chatwootMessageId(),
                    m.errorCode() == null && m.errorMessage() == null ? null
                            : new ErrorView(m.errorCode(), m.errorMessage()),
                    m.createdAt(), m.updatedAt(), m.template());
        }
    }

    @PostMapping
    @Requires(Permission.MESSAGES_SEND)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Send a WhatsApp message (text, media by URL or a Cloud API template); queued under the "
            + "number's send limits",
            description = "Give exactly one of text, media and template. A Cloud API number sends text or media only "
                    + "within 24 hours of the contact's last message (422 outside-service-window otherwise); "
                    + "templates (synced with POST …/providers/{id}/templates/sync) go out at any time. "
                    + "With a Chatwoot connection, once the provider took the message it is also posted in the "
                    + "contact's Chatwoot conversation as an outgoing message with source_id whatpro:api:{id} "
                    + "(media as its caption and link), and its delivery statuses show there; the send never waits "
                    + "for Chatwoot. A message the provider refuses is not posted there.")
    ResponseEntity<Queued> send(@PathVariable long accountId, @Valid @RequestBody SendRequest request) {
        var account = Callers.requiredAccess().account();
        var hasText = request.text() != null && !request.text().isBlank();
        var given = (hasText ? 1 : 0) + (request.media() != null ? 1 : 0) + (request.template() != null ? 1 : 0);
        if (given != 1) {
            throw ApiProblem.invalid(request.media() == null ? request.template() == null ? "text" : "template"
                    : "media", "give exactly one of text, media and template");
        }
        String to;
        try {
            to = PhoneNumbers.toE164(request.to());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("to", "must be a phone number with country code, e.g. +5511999999999");
        }
        var provider = providers.find(account, request.providerId())
                .orElseThrow(() -> ApiProblem.invalid("provider_id", "no such provider in this account"));
        Outbox.Outgoing outgoing;
        if (request.template() != null) {
            outgoing = templates.outgoing(account, provider, request.template());
        } else {
            if (!windows.allowsFreeForm(account, provider, to)) {
                throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, ServiceWindows.OUTSIDE_WINDOW,
                        "Outside the service window", ServiceWindows.explanation());
            }
            outgoing = new Outbox.Outgoing(hasText ? request.text() : null,
                    request.media() == null ? null : media(request.media()));
        }
        var id = outbox.queueDirect(account, provider, to, outgoing);
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
