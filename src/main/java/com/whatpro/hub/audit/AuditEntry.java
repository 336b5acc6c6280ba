package com.whatpro.hub.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Auditable;

import org.jspecify.annotations.Nullable;

/** One row of the audit log, as written and as read. */
record AuditEntry(UUID id, @Nullable Instant at, @Nullable AccountId account, Auditable.Actor actor, String action,
        String resourceType, @Nullable String resourceId, Map<String, Object> changes, @Nullable String ipAddress,
        @Nullable String userAgent, @Nullable String requestId) {
}
