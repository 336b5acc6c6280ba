package com.whatpro.hub.accounts;

import java.util.Map;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/** A tenant's name, locale, settings, plan or status changed; {@code changes} maps field to [old, new]. */
public record AccountChanged(AccountId account, @Nullable UUID actor, String action, Map<String, Object> changes) {
}
