package com.whatpro.hub.kanban;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/boards")
@Tag(name = "Kanban boards")
class BoardsController {

    private final Boards boards;
    private final Stages stages;
    private final Bodies bodies;

    BoardsController(Boards boards, Stages stages, Bodies bodies) {
        this.boards = boards;
        this.stages = stages;
        this.bodies = bodies;
    }

    record BoardSummary(UUID id, String name, @Nullable String description, String type, boolean isDefault,
            Instant createdAt, Instant updatedAt) {
        static BoardSummary of(Boards.Board board) {
            return new BoardSummary(board.id(), board.name(), board.description(), board.type(), board.isDefault(),
                    board.createdAt(), board.updatedAt());
        }
    }

    record BoardList(List<BoardSummary> items, @Nullable String nextCursor) {
    }

    record StageList(List<Stages.StageView> items, @Nullable String nextCursor) {
    }

    record FieldDefinitionRequest(@NotBlank @Size(max = 50) String key, @Nullable @Size(max = 200) String label,
            @NotBlank String type, @Nullable Boolean required, @Nullable @Size(max = 100) List<@NotBlank @Size(max = 200) String> options) {

        Boards.FieldDefinition definition() {
            return new Boards.FieldDefinition(key, label, type, Boolean.TRUE.equals(required),
                    options == null ? List.of() : List.copyOf(options));
        }
    }

    record TemplateItemRequest(@NotBlank @Size(max = 500) String text, @Nullable Boolean required) {
        Stages.TemplateItem item() {
            return new Stages.TemplateItem(text.strip(), Boolean.TRUE.equals(required));
        }
    }

    record CreateStage(@NotBlank @Size(max = 100) String name,
            @Nullable @Pattern(regexp = "#[0-9A-Fa-f]{6}", message = "must be a color like #1A2B3C") String color,
            @Nullable @Pattern(regexp = "open|won|lost", message = "must be open, won or lost") String kind,
            @Nullable @Min(0) Integer position,
            @Nullable @Positive @Max(100_000) Integer wipLimit,
            @Nullable @Pattern(regexp = "soft|hard", message = "must be soft or hard") String wipMode,
            @Nullable @Positive @Max(87_600) Integer slaHours,
            @Nullable @Size(max = 50) List<@Valid @NotNull TemplateItemRequest> checklistTemplate) {

        Stages.StageSpec spec() {
            return new Stages.StageSpec(name, color, kind == null ? "open" : kind, wipLimit,
                    wipMode == null ? "soft" : wipMode, slaHours, template(checklistTemplate));
        }
    }

    record UpdateStage(@Nullable @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
            @Nullable @Pattern(regexp = "#[0-9A-Fa-f]{6}", message = "must be a color like #1A2B3C") String color,
            @Nullable @Pattern(regexp = "open|won|lost", message = "must be open, won or lost") String kind,
            @Nullable @Min(0) Integer position,
            @Nullable @Positive @Max(100_000) Integer wipLimit,
            @Nullable @Pattern(regexp = "soft|hard", message = "must be soft or hard") String wipMode,
            @Nullable @Positive @Max(87_600) Integer slaHours,
            @Nullable @Size(max = 50) List<@Valid @NotNull TemplateItemRequest> checklistTemplate) {
    }

    record CreateBoard(@NotBlank @Size(max = 200) String name, @Nullable @Size(max = 2000) String description,
            @Nullable @Pattern(regexp = "[a-z][a-z0-9_]{0,49}", message = "must be lower_snake_case") String type,
            @Nullable Boolean isDefault,
            @Nullable @Size(max = 100) List<@Valid @NotNull FieldDefinitionRequest> fieldDefinitions,
            @Nullable @Size(max = 30) List<@Valid @NotNull CreateStage> stages) {
    }

    record UpdateBoard(@Nullable @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
            @Nullable @Size(max = 2000) String description,
            @Nullable @Pattern(regexp = "[a-z][a-z0-9_]{0,49}", message = "must be lower_snake_case") String type,
            @Nullable Boolean isDefault,
            @Nullable @Size(max = 100) List<@Valid @NotNull FieldDefinitionRequest> fieldDefinitions) {
    }

    /** The target for the stage's cards may come as {@code ?move_cards_to=} or in a body. */
    record DeleteStage(@Nullable UUID moveCardsTo) {
    }

    record StageOrder(@NotNull @Size(min = 1, max = 100) List<@NotNull UUID> stageIds) {
    }

    // ---------------------------------------------------------------- boards

    @Operation(summary = "List the account's boards")
    @GetMapping
    @Requires(Permission.BOARDS_READ)
    BoardList list(@PathVariable long accountId) {
        return new BoardList(boards.list(Callers.requiredAccess().account()).stream().map(BoardSummary::of).toList(), null);
    }

    @Operation(summary = "Create a board with its stages")
    @PostMapping
    @Requires(Permission.BOARDS_WRITE)
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<Boards.BoardView> create(@PathVariable long accountId, @Valid @RequestBody CreateBoard request) {
        var access = Callers.requiredAccess();
        var definitions = CustomFields.checkDefinitions(definitions(request.fieldDefinitions()));
        var specs = request.stages() == null ? List.<Stages.StageSpec>of()
                : request.stages().stream().map(CreateStage::spec).toList();
        var board = boards.create(access.account(), new Boards.NewBoard(request.name(), request.description(),
                request.type() == null ? "sales" : request.type(), Boolean.TRUE.equals(request.isDefault()), definitions,
                specs), Actor.of(access));
        return ResponseEntity.status(HttpStatus.CREATED).body(board);
    }

    @Operation(summary = "Get a board with its stages")
    @GetMapping("/{boardId}")
    @Requires(Permission.BOARDS_READ)
    Boards.BoardView get(@PathVariable long accountId, @PathVariable UUID boardId) {
        return boards.view(Callers.requiredAccess().account(), boardId).orElseThrow(() -> ApiProblem.notFound("board"));
    }

    @Operation(summary = "Change a board")
    @PatchMapping("/{boardId}")
    @Requires(Permission.BOARDS_WRITE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = UpdateBoard.class)))
    Boards.BoardView update(@PathVariable long accountId, @PathVariable UUID boardId, @RequestBody JsonNode body) {
        var access = Callers.requiredAccess();
        var parsed = bodies.read(body, UpdateBoard.class);
        var request = parsed.value();
        if (parsed.present().contains("name") && request.name() == null) {
            throw ApiProblem.invalid("name", "must not be null");
        }
        var definitions = request.fieldDefinitions() == null ? null
                : CustomFields.checkDefinitions(definitions(request.fieldDefinitions()));
        return boards.update(access.account(), boardId, new Boards.BoardPatch(request.name(),
                        parsed.present().contains("description"), request.description(), request.type(), request.isDefault(),
                        definitions), Actor.of(access))
                .orElseThrow(() -> ApiProblem.notFound("board"));
    }

    @Operation(summary = "Delete a board")
    @DeleteMapping("/{boardId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.BOARDS_WRITE)
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID boardId) {
        var access = Callers.requiredAccess();
        if (!boards.delete(access.account(), boardId, Actor.of(access))) {
            throw ApiProblem.notFound("board");
        }
        return ResponseEntity.noContent().build();
    }

    // ---------------------------------------------------------------- stages

    @Operation(summary = "List a board's stages")
    @GetMapping("/{boardId}/stages")
    @Requires(Permission.BOARDS_READ)
    StageList stages(@PathVariable long accountId, @PathVariable UUID boardId) {
        var board = get(accountId, boardId);
        return new StageList(board.stages(), null);
    }

    @Operation(summary = "Add a stage to a board")
    @PostMapping("/{boardId}/stages")
    @ResponseStatus(HttpStatus.CREATED)
    @Requires(Permission.STAGES_WRITE)
    ResponseEntity<Stages.StageView> createStage(@PathVariable long accountId, @PathVariable UUID boardId,
            @Valid @RequestBody CreateStage request) {
        var access = Callers.requiredAccess();
        var stage = stages.create(access.account(), boardId, request.spec(), request.position(), Actor.of(access));
        return ResponseEntity.status(HttpStatus.CREATED).body(stage);
    }

    @Operation(summary = "Change a stage")
    @PatchMapping("/{boardId}/stages/{stageId}")
    @Requires(Permission.STAGES_WRITE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = UpdateStage.class)))
    Stages.StageView updateStage(@PathVariable long accountId, @PathVariable UUID boardId, @PathVariable UUID stageId,
            @RequestBody JsonNode body) {
        var access = Callers.requiredAccess();
        var parsed = bodies.read(body, UpdateStage.class);
        var request = parsed.value();
        var present = parsed.present();
        for (var required : List.of("name", "kind", "wip_mode", "position", "checklist_template")) {
            if (present.contains(required) && body.get(required).isNull()) {
                throw ApiProblem.invalid(required, "must not be null");
            }
        }
        return stages.update(access.account(), boardId, stageId, new Stages.StagePatch(request.name(),
                present.contains("color"), request.color(), request.kind(), present.contains("wip_limit"),
                request.wipLimit(), request.wipMode(), present.contains("sla_hours"), request.slaHours(),
                request.checklistTemplate() == null ? null : template(request.checklistTemplate()), request.position()),
                Actor.of(access));
    }

    @Operation(summary = "Delete a stage")
    @DeleteMapping("/{boardId}/stages/{stageId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.STAGES_WRITE)
    ResponseEntity<Void> deleteStage(@PathVariable long accountId, @PathVariable UUID boardId, @PathVariable UUID stageId,
            @RequestParam(name = "move_cards_to", required = false) @Nullable UUID moveCardsTo,
            @RequestBody(required = false) @Nullable DeleteStage body) {
        var access = Callers.requiredAccess();
        var target = moveCardsTo != null ? moveCardsTo : body == null ? null : body.moveCardsTo();
        stages.delete(access.account(), boardId, stageId, target, Actor.of(access));
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Reorder a board's stages")
    @PutMapping("/{boardId}/stage-order")
    @Requires(Permission.STAGES_WRITE)
    StageList reorder(@PathVariable long accountId, @PathVariable UUID boardId, @Valid @RequestBody StageOrder request) {
        var access = Callers.requiredAccess();
        return new StageList(stages.reorder(access.account(), boardId, request.stageIds(), Actor.of(access)), null);
    }

    private static List<Boards.FieldDefinition> definitions(@Nullable List<FieldDefinitionRequest> requests) {
        return requests == null ? List.of() : requests.stream().map(FieldDefinitionRequest::definition).toList();
    }

    private static List<Stages.TemplateItem> template(@Nullable List<TemplateItemRequest> requests) {
        return requests == null ? List.of() : requests.stream().map(TemplateItemRequest::item).toList();
    }
}
