package com.whatpro.hub.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** An API key was revoked and stops working at once. */
public record ApiKeyRevoked(AccountId account, UUID keyId, UUID actor) {
}
