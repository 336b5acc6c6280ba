package com.whatpro.hub.kanban;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.InstantRange;
import com.whatpro.hub.platform.web.Paging;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}")
@Tag(name = "Kanban cards")
class CardsController {

    private final Boards boards;
    private final Cards cards;
    private final CardMoves moves;
    private final Checklists checklists;
    private final CardHistory history;
    private final Bodies bodies;
    private final CardsExport export;

    CardsController(Boards boards, Cards cards, CardMoves moves, Checklists checklists, CardHistory history,
            Bodies bodies, CardsExport export) {
        this.export = export;
        this.boards = boards;
        this.cards = cards;
        this.moves = moves;
        this.checklists = checklists;
        this.history = history;
        this.bodies = bodies;
    }

    record ContactRequest(@Nullable @Size(max = 200) String name, @Nullable @Size(max = 50) String phone,
            @Nullable @Positive Long chatwootContactId) {

        Cards.Contact contact() {
            return new Cards.Contact(blankToNull(name), blankToNull(phone), chatwootContactId);
        }
    }

    record CreateCard(@NotNull UUID stageId, @NotBlank @Size(max = 500) String title, @Nullable @Valid ContactRequest contact,
            @Nullable @Size(max = 50) List<@NotNull @Positive Long> conversationIds,
            @Nullable @PositiveOrZero @Max(value = Amounts.MAX_MINOR, message = Amounts.TOO_LARGE) Long amountMinor,
            @Nullable @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code like BRL") String currency,
            @Nullable @Pattern(regexp = "low|normal|high|urgent", message = "must be low, normal, high or urgent") String priority,
            @Nullable @InstantRange Instant dueAt, @Nullable UUID assigneeId,
            @Nullable @Size(max = 20) List<@NotBlank @Size(max = 50) String> labels,
            @Nullable Map<String, @Nullable Object> customFields, @Nullable UUID afterCardId, @Nullable UUID beforeCardId) {
    }

    record UpdateCard(@Nullable @Size(min = 1, max = 500) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String title,
            @Nullable @Valid ContactRequest contact,
            @Nullable @Size(max = 50) List<@NotNull @Positive Long> conversationIds,
            @Nullable @PositiveOrZero @Max(value = Amounts.MAX_MINOR, message = Amounts.TOO_LARGE) Long amountMinor,
            @Nullable @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code like BRL") String currency,
            @Nullable @Pattern(regexp = "low|normal|high|urgent", message = "must be low, normal, high or urgent") String priority,
            @Nullable @InstantRange Instant dueAt, @Nullable UUID assigneeId,
            @Nullable @Size(max = 20) List<@NotBlank @Size(max = 50) String> labels,
            @Nullable Map<String, @Nullable Object> customFields, @Nullable Boolean archived) {
    }

    record MoveCard(@NotNull UUID stageId, @Nullable UUID afterCardId, @Nullable UUID beforeCardId) {
    }

    record AddItem(@NotBlank @Size(max = 500) String text, @Nullable Boolean done, @Nullable Boolean required) {
    }

    record UpdateItem(@Nullable @Size(min = 1, max = 500) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String text,
            @Nullable Boolean done, @Nullable Boolean required) {
    }

    record ItemList(List<Checklists.Item> items, @Nullable String nextCursor) {
    }

    record HistoryItem(long id, Instant at, CardHistory.ActorView actor, String action, @Nullable UUID fromStageId,
            @Nullable UUID toStageId, JsonNode changes) {
    }

    record HistoryList(List<HistoryItem> items, @Nullable String nextCursor) {
    }

    // ---------------------------------------------------------------- cards

    @Operation(summary = "List a board's cards, with filters")
    @GetMapping("/boards/{boardId}/cards")
    @Requires(Permission.CARDS_READ)
    Cards.Page list(@PathVariable long accountId, @PathVariable UUID boardId,
            @RequestParam(name = "stage_id", required = false) @Nullable UUID stageId,
            @RequestParam(name = "assignee_id", required = false) @Nullable UUID assigneeId,
            @RequestParam(required = false) @Nullable String label,
            @RequestParam(required = false) @Nullable String priority,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(required = false) @Nullable Boolean overdue,
            @RequestParam(required = false) @Nullable Boolean archived,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable String cursor) {
        var account = Callers.requiredAccess().account();
        var filters = filters(stageId, assigneeId, label, priority, q, overdue, archived);
        var size = Paging.limit(limit);
        if (boards.find(account, boardId).isEmpty()) {
            throw ApiProblem.notFound("board");
        }
        return cards.list(account, boardId, filters, blankToNull(cursor), size);
    }

    @Operation(summary = "A board's cards as CSV, with the list's filters (at most 10,000 cards; audited)",
            description = "UTF-8 CSV for spreadsheets, X-Card-Count says how many cards it holds; 422 "
                    + "export-too-large when more cards match.")
    @GetMapping("/boards/{boardId}/cards/export")
    @Requires(Permission.CARDS_READ)
    ResponseEntity<String> export(@PathVariable long accountId, @PathVariable UUID boardId,
            @RequestParam(name = "stage_id", required = false) @Nullable UUID stageId,
            @RequestParam(name = "assignee_id", required = false) @Nullable UUID assigneeId,
            @RequestParam(required = false) @Nullable String label,
            @RequestParam(required = false) @Nullable String priority,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(required = false) @Nullable Boolean overdue,
            @RequestParam(required = false) @Nullable Boolean archived) {
        var access = Callers.requiredAccess();
        var filters = filters(stageId, assigneeId, label, priority, q, overdue, archived);
        var board = boards.find(access.account(), boardId).orElseThrow(() -> ApiProblem.notFound("board"));
        var file = export.csv(access.account(), boardId, filters, Actor.of(access));
        return ResponseEntity.ok()
                .header("X-Card-Count", Integer.toString(file.cards()))
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(board.name() + ".csv", StandardCharsets.UTF_8).build().toString())
                .body(file.csv());
    }

    private static Cards.Filters filters(@Nullable UUID stageId, @Nullable UUID assigneeId, @Nullable String label,
            @Nullable String priority, @Nullable String q, @Nullable Boolean overdue, @Nullable Boolean archived) {
        if (priority != null && !Cards.PRIORITIES.contains(priority)) {
            throw ApiProblem.invalid("priority", "must be one of " + Cards.PRIORITIES);
        }
        if (q != null && q.length() > 200) {
            throw ApiProblem.invalid("q", "at most 200 characters");
        }
        return new Cards.Filters(stageId, assigneeId, blankToNull(label), priority, blankToNull(q), overdue,
                Boolean.TRUE.equals(archived));
    }

    @Operation(summary = "Create a card")
    @PostMapping("/boards/{boardId}/cards")
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.CARDS_WRITE)
    ResponseEntity<Cards.CardView> create(@PathVariable long accountId, @PathVariable UUID boardId,
            @Valid @RequestBody CreateCard request) {
        var access = Callers.requiredAccess();
        if (request.amountMinor() != null && request.currency() == null) {
            throw ApiProblem.invalid("currency", "is required with amount_minor");
        }
        var card = cards.create(access.account(), boardId, new Cards.NewCard(request.stageId(), request.title(),
                request.contact() == null ? Cards.Contact.NONE : request.contact().contact(),
                request.conversationIds() == null ? List.of() : request.conversationIds(), request.amountMinor(),
                request.currency(), request.priority() == null ? "normal" : request.priority(), request.dueAt(),
                request.assigneeId(), request.labels() == null ? List.of() : request.labels(),
                request.customFields() == null ? Map.of() : request.customFields(), request.afterCardId(),
                request.beforeCardId()), Actor.of(access));
        return ResponseEntity.status(HttpStatus.CREATED).eTag(etag(card.version())).body(card);
    }

    @Operation(summary = "Get a card")
    @GetMapping("/cards/{cardId}")
    @Requires(Permission.CARDS_READ)
    ResponseEntity<Cards.CardView> get(@PathVariable long accountId, @PathVariable UUID cardId) {
        var card = cards.find(Callers.requiredAccess().account(), cardId).orElseThrow(() -> ApiProblem.notFound("card"));
        return ResponseEntity.ok().eTag(etag(card.version())).body(card);
    }

    @Operation(summary = "Change a card; If-Match with its ETag refuses a stale write")
    @PatchMapping("/cards/{cardId}")
    @Requires(Permission.CARDS_WRITE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = UpdateCard.class)))
    ResponseEntity<Cards.CardView> update(@PathVariable long accountId, @PathVariable UUID cardId,
            @RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch, @RequestBody JsonNode body) {
        var access = Callers.requiredAccess();
        var parsed = bodies.read(body, UpdateCard.class);
        var request = parsed.value();
        var present = withContactKeys(parsed.present(), body);
        for (var required : List.of("title", "priority", "labels", "conversation_ids", "archived")) {
            if (present.contains(required) && body.get(required).isNull()) {
                throw ApiProblem.invalid(required, "must not be null");
            }
        }
        var card = cards.update(access.account(), cardId, new Cards.CardPatch(present, request.title(),
                request.contact() == null ? null : request.contact().contact(), request.conversationIds(),
                request.amountMinor(), request.currency(), request.priority(), request.dueAt(), request.assigneeId(),
                request.labels(), request.customFields(), request.archived()), version(ifMatch), Actor.of(access));
        return ResponseEntity.ok().eTag(etag(card.version())).body(card);
    }

    @Operation(summary = "Delete a card")
    @DeleteMapping("/cards/{cardId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.CARDS_WRITE)
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID cardId,
            @RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch) {
        var access = Callers.requiredAccess();
        if (!cards.delete(access.account(), cardId, version(ifMatch), Actor.of(access))) {
            throw ApiProblem.notFound("card");
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Move a card to another stage or position")
    @PostMapping("/cards/{cardId}/move")
    @Requires(Permission.CARDS_WRITE)
    ResponseEntity<Cards.CardView> move(@PathVariable long accountId, @PathVariable UUID cardId,
            @RequestHeader(name = "If-Match", required = false) @Nullable String ifMatch,
            @Valid @RequestBody MoveCard request) {
        var access = Callers.requiredAccess();
        var card = moves.move(access.account(), cardId,
                new CardMoves.Move(request.stageId(), request.afterCardId(), request.beforeCardId()), version(ifMatch),
                Actor.of(access));
        return ResponseEntity.ok().eTag(etag(card.version())).body(card);
    }

    @Operation(summary = "A card's history, newest first")
    @GetMapping("/cards/{cardId}/history")
    @Requires(Permission.CARDS_READ)
    HistoryList history(@PathVariable long accountId, @PathVariable UUID cardId,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable String cursor) {
        var account = Callers.requiredAccess().account();
        var size = Paging.limit(limit);
        var after = Paging.sequenceCursor(cursor, 0);
        if (cards.find(account, cardId).isEmpty()) {
            throw ApiProblem.notFound("card");
        }
        var rows = history.list(account, cardId, after, size + 1);
        var page = Paging.of(rows, size, e -> new HistoryItem(e.seq(), e.at(), e.actor(), e.action(), e.fromStageId(),
                e.toStageId(), e.changes()), e -> Long.toString(e.seq()));
        return new HistoryList(page.items(), page.nextCursor());
    }

    // ---------------------------------------------------------------- checklist

    @Operation(summary = "List a card's checklist items")
    @GetMapping("/cards/{cardId}/checklist")
    @Requires(Permission.CARDS_READ)
    ItemList checklist(@PathVariable long accountId, @PathVariable UUID cardId) {
        return new ItemList(checklists.list(Callers.requiredAccess().account(), cardId), null);
    }

    @Operation(summary = "Add a checklist item to a card")
    @PostMapping("/cards/{cardId}/checklist")
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.CARDS_WRITE)
    ResponseEntity<Checklists.Item> addItem(@PathVariable long accountId, @PathVariable UUID cardId,
            @Valid @RequestBody AddItem request) {
        var access = Callers.requiredAccess();
        var item = checklists.add(access.account(), cardId, request.text(), Boolean.TRUE.equals(request.done()),
                Boolean.TRUE.equals(request.required()), Actor.of(access));
        return ResponseEntity.status(HttpStatus.CREATED).body(item);
    }

    @Operation(summary = "Change a checklist item")
    @PatchMapping("/cards/{cardId}/checklist/{itemId}")
    @Requires(Permission.CARDS_WRITE)
    Checklists.Item updateItem(@PathVariable long accountId, @PathVariable UUID cardId, @PathVariable UUID itemId,
            @Valid @RequestBody UpdateItem request) {
        var access = Callers.requiredAccess();
        return checklists.update(access.account(), cardId, itemId,
                new Checklists.ItemPatch(request.text(), request.done(), request.required()), Actor.of(access));
    }

    @Operation(summary = "Delete a checklist item")
    @DeleteMapping("/cards/{cardId}/checklist/{itemId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.CARDS_WRITE)
    ResponseEntity<Void> removeItem(@PathVariable long accountId, @PathVariable UUID cardId, @PathVariable UUID itemId) {
        var access = Callers.requiredAccess();
        checklists.remove(access.account(), cardId, itemId, Actor.of(access));
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- helpers

    /** The fields a PATCH named, and the keys named inside its {@code contact} ({@code contact.name}). */
    private static Set<String> withContactKeys(Set<String> present, JsonNode body) {
        var contact = body.get("contact");
        if (contact == null || !contact.isObject()) {
            return present;
        }
        var named = new HashSet<>(present);
        contact.propertyNames().forEach(name -> named.add("contact." + name));
        return named;
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an {@code If-Match} names: {@code "7"} (or weak {@code W/"7"}); none for a
     * missing header or {@code *}. Anything else cannot match a version: 412.
     */
    static @Nullable Long version(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        var tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw ApiProblem.preconditionFailed("If-Match must name a version this API issued, like \"3\".");
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
