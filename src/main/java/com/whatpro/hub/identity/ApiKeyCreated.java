package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** An API key was issued. */
public record ApiKeyCreated(AccountId account, UUID keyId, String name, List<String> scopes, @Nullable Instant expiresAt, UUID actor) {
}
