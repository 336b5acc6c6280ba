package com.whatpro.hub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import com.whatpro.hub.platform.security.Role;
import com.whatpro.hub.platform.web.InstantRange;
import com.whatpro.hub.platform.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Size;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/audit-logs")
@Tag(name = "Audit")
class AuditLogController {

    private final AuditLog log;
    private final Entitlements entitlements;

    AuditLogController(AuditLog log, Entitlements entitlements) {
        this.log = log;
        this.entitlements = entitlements;
    }

    record ActorView(String type, @Nullable UUID id) {
    }

    record EntryView(UUID id, Instant at, ActorView actor, String action, String resourceType,
            @Nullable String resourceId, Map<String, Object> changes, @Nullable String ipAddress,
            @Nullable String userAgent, @Nullable String requestId) {

        static EntryView of(AuditEntry entry) {
            return new EntryView(entry.id(), java.util.Objects.requireNonNull(entry.at()),
                    new ActorView(entry.actor().type(), entry.actor().id()), entry.action(), entry.resourceType(),
                    entry.resourceId(), entry.changes(), entry.ipAddress(), entry.userAgent(), entry.requestId());
        }
    }

    @GetMapping
    @Requires(Permission.AUDIT_READ)
    @Operation(summary = "The account's audit log, newest first; `action` may end in `.*` (e.g. `team.*`); "
            + "`from` inclusive, `to` exclusive (ISO 8601)")
    Paging.Page<EntryView> list(@PathVariable long accountId,
            @RequestParam(name = "actor_id", required = false) @Nullable UUID actorId,
            @RequestParam(required = false) @Nullable @Size(max = 100) String action,
            @RequestParam(name = "resource_type", required = false) @Nullable @Size(max = 100) String resourceType,
            @RequestParam(name = "resource_id", required = false) @Nullable @Size(max = 200) String resourceId,
            @RequestParam(required = false) @Nullable @InstantRange Instant from,
            @RequestParam(required = false) @Nullable @InstantRange Instant to,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestParam(required = false) @Nullable UUID cursor) {
        var access = Callers.requiredAccess();
        if (access.role() != Role.SUPER_ADMIN) {
            entitlements.ensureFeature(access.account(), "audit_log");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiProblem.invalid("to", "must be after from");
        }
        var size = Paging.limit(limit);
        var rows = log.page(access.account(),
                new AuditLog.Filter(actorId, blankToNull(action), blankToNull(resourceType), blankToNull(resourceId),
                        from, to),
                cursor, size + 1);
        return Paging.of(rows, size, EntryView::of, entry -> entry.id().toString());
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
