package com.whatpro.hub.platform.security;

import java.util.Set;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

/** The authenticated party behind a request. */
public sealed interface Caller {

    /** A person signed in with a session. */
    record User(UUID userId, UUID sessionId, boolean superAdmin) implements Caller {
    }

    /** A program using one account's API key. */
    record ApiKey(UUID keyId, AccountId account, Set<String> scopes, UUID createdBy) implements Caller {
    }

    default String type() {
        return this instanceof User ? "user" : "api_key";
    }

    default UUID id() {
        return switch (this) {
            case User user -> user.userId();
            case ApiKey key -> key.keyId();
        };
    }
}
