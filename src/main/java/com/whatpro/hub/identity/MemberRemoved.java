package com.whatpro.hub.identity;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A user left an account. */
public record MemberRemoved(AccountId account, UUID userId, @Nullable UUID actor) {
}
