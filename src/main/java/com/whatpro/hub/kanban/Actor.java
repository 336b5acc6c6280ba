package com.whatpro.hub.kanban;

import java.util.UUID;

import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;

/** Who does a kanban change: a member (with their role), an API key, or the system itself. */
record Actor(String type, @Nullable UUID id, @Nullable Role role) {

    static final Actor SYSTEM = new Actor("system", null, null);

    static Actor of(AccountAccess access) {
        return switch (access.caller()) {
            case Caller.User user -> new Actor("user", user.userId(), access.role());
            case Caller.ApiKey key -> new Actor("api_key", key.keyId(), null);
        };
    }

    /** Agents change only cards assigned to them or to nobody. */
    boolean restricted() {
        return "user".equals(type) && role == Role.AGENT;
    }

    boolean mayChange(@Nullable UUID assignee) {
        return !restricted() || assignee == null || assignee.equals(id);
    }
}
