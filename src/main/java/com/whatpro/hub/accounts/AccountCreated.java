package com.whatpro.hub.accounts;

import com.whatpro.hub.platform.AccountId;

/** A new tenant exists; other modules give it their defaults (a board, say). */
public record AccountCreated(AccountId account, String name, String plan) {
}
