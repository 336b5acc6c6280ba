package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/gateway/dead-letters")
@Tag(name = "Gateway")
class DeadLettersController {

    private final Jobs jobs;

    DeadLettersController(Jobs jobs) {
        this.jobs = jobs;
    }

    /** Work that failed after its retries (or could not succeed), with why and what it was about. */
    record DeadLetterView(UUID id, String kind, int attempts, @Nullable String lastError, JsonNode payload,
            Instant createdAt, @Nullable Instant failedAt) {
    }

    record Replayed(UUID id, String status) {
    }

    @Operation(summary = "List the gateway's dead letters, newest first")
    @GetMapping
    @Requires(Permission.GATEWAY_MANAGE)
    Paging.Page<DeadLetterView> list(@PathVariable long accountId,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable Integer limit) {
        var size = Paging.limit(limit);
        var rows = jobs.deadLetters(Callers.requiredAccess().account(), MessagesController.cursor(cursor), size + 1);
        return Paging.of(rows, size, letter -> new DeadLetterView(letter.id(), letter.kind().key(), letter.attempts(),
                letter.lastError(), letter.payload(), letter.createdAt(), letter.failedAt()),
                letter -> letter.id().toString());
    }

    @PostMapping("/{deadLetterId}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Requires(Permission.GATEWAY_MANAGE)
    @Operation(summary = "Put a dead letter back in the queue, due now, with fresh attempts")
    ResponseEntity<Replayed> replay(@PathVariable long accountId, @PathVariable UUID deadLetterId) {
        if (!jobs.replay(Callers.requiredAccess().account(), deadLetterId)) {
            throw ApiProblem.notFound("dead letter");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Replayed(deadLetterId, "pending"));
    }
}
