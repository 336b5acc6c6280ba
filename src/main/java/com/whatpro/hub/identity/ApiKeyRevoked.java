package com.whatpro.hub.identity;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

/** An API key was revoked and stops working at once. */
public record ApiKeyRevoked(AccountId account, UUID keyId, UUID actor) {
}
