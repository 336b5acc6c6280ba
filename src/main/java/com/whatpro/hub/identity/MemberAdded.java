package com.whatpro.hub.identity;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A user became a member of an account. */
public record MemberAdded(AccountId account, UUID userId, String role, @Nullable UUID actor) {
}
