package com.whatpro.hub.automations;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
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

import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/automations")
@Tag(name = "Automations")
class AutomationsController {

    private final Automations automations;
    private final Runs runs;

    AutomationsController(Automations automations, Runs runs) {
        this.automations = automations;
        this.runs = runs;
    }

    /** A rule; {@code webhook_secret} only in the answer that made it (never stored by a cache: no-store). */
    record AutomationView(UUID id, String name, boolean enabled, JsonNode trigger, JsonNode conditions,
            JsonNode actions, Instant createdAt, Instant updatedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String webhookSecret) {
        static AutomationView of(Automations.Automation automation) {
            return of(automation, null);
        }

        static AutomationView of(Automations.Automation automation, @Nullable String webhookSecret) {
            var rule = automation.rule().json();
            return new AutomationView(automation.id(), automation.name(), automation.enabled(), rule.get("trigger"),
                    rule.get("conditions"), rule.get("actions"), automation.createdAt(), automation.updatedAt(),
                    webhookSecret);
        }

        static ResponseEntity<AutomationView> answer(HttpStatus status, Automations.Saved saved) {
            var answer = ResponseEntity.status(status);
            if (saved.webhookSecret() != null) {
                answer.header(HttpHeaders.CACHE_CONTROL, "no-store");
            }
            return answer.body(of(saved.automation(), saved.webhookSecret()));
        }
    }

    record AutomationList(List<AutomationView> items, @Nullable String nextCursor) {
    }

    record CreateAutomation(@NotBlank @Size(max = 200) String name, @Nullable Boolean enabled,
            @Nullable JsonNode trigger, @Nullable JsonNode conditions, @Nullable JsonNode actions) {
    }

    record UpdateAutomation(@Nullable @Size(min = 1, max = 200) String name, @Nullable Boolean enabled,
            @Nullable JsonNode trigger, @Nullable JsonNode conditions, @Nullable JsonNode actions,
            @Nullable Boolean rotateWebhookSecret) {
    }

    record RunView(UUID id, Instant at, String triggerEvent, @Nullable UUID cardId, String status, int depth,
            JsonNode actions, @Nullable Instant finishedAt) {
    }

    @GetMapping
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @Operation(summary = "List the account's automation rules")
    AutomationList list(@PathVariable long accountId) {
        return new AutomationList(automations.list(Callers.requiredAccess().account()).stream()
                .map(AutomationView::of).toList(), null);
    }

    @PostMapping
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an automation rule: a trigger, conditions and ordered actions; a rule that calls "
            + "webhooks is answered once with the secret they are signed with (webhook_secret)")
    ResponseEntity<AutomationView> create(@PathVariable long accountId, @Valid @RequestBody CreateAutomation request) {
        var rule = Rule.read(request.trigger(), request.conditions(), request.actions());
        var created = automations.create(Callers.requiredAccess().account(), request.name(),
                request.enabled() == null || request.enabled(), rule);
        return AutomationView.answer(HttpStatus.CREATED, created);
    }

    @GetMapping("/{automationId}")
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @Operation(summary = "Read an automation rule")
    AutomationView get(@PathVariable long accountId, @PathVariable UUID automationId) {
        return automations.find(Callers.requiredAccess().account(), automationId).map(AutomationView::of)
                .orElseThrow(() -> ApiProblem.notFound("automation"));
    }

    @PatchMapping("/{automationId}")
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @Operation(summary = "Change an automation rule; trigger, conditions and actions are replaced as a whole; "
            + "rotate_webhook_secret replaces the secret its webhook calls are signed with (answered once)")
    ResponseEntity<AutomationView> update(@PathVariable long accountId, @PathVariable UUID automationId,
            @Valid @RequestBody UpdateAutomation request) {
        var account = Callers.requiredAccess().account();
        var current = automations.find(account, automationId).orElseThrow(() -> ApiProblem.notFound("automation"));
        Rule rule = null;
        if (request.trigger() != null || request.conditions() != null || request.actions() != null) {
            var stored = current.rule().json();
            rule = Rule.read(request.trigger() != null ? request.trigger() : stored.get("trigger"),
                    request.conditions() != null ? request.conditions() : stored.get("conditions"),
                    request.actions() != null ? request.actions() : stored.get("actions"));
        }
        return automations.update(account, automationId, request.name(), request.enabled(), rule,
                        Boolean.TRUE.equals(request.rotateWebhookSecret()))
                .map(saved -> AutomationView.answer(HttpStatus.OK, saved))
                .orElseThrow(() -> ApiProblem.notFound("automation"));
    }

    @DeleteMapping("/{automationId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @Operation(summary = "Delete an automation rule and its run log")
    ResponseEntity<Void> delete(@PathVariable long accountId, @PathVariable UUID automationId) {
        if (!automations.delete(Callers.requiredAccess().account(), automationId)) {
            throw ApiProblem.notFound("automation");
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{automationId}/runs")
    @Requires(Permission.AUTOMATIONS_MANAGE)
    @Operation(summary = "The rule's runs, newest first, with each action's outcome")
    Paging.Page<RunView> runs(@PathVariable long accountId, @PathVariable UUID automationId,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable String cursor) {
        var account = Callers.requiredAccess().account();
        if (automations.find(account, automationId).isEmpty()) {
            throw ApiProblem.notFound("automation");
        }
        var size = Paging.limit(limit);
        var before = Paging.sequenceCursor(cursor, Long.MAX_VALUE);
        return Paging.of(runs.log(account, automationId, before, size + 1), size,
                run -> new RunView(run.id(), run.at(), run.triggerEvent(), run.cardId(), run.status(), run.depth(),
                        run.actions(), run.finishedAt()),
                run -> Long.toString(run.seq()));
    }
}
