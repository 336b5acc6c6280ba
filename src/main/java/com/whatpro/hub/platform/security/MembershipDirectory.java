package com.whatpro.hub.platform.security;

import java.util.List;
import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

/**
 * The accounts a user belongs to, for modules below identity (implemented by identity).
 */
public interface MembershipDirectory {

    List<AccountId> accountsOf(UUID userId);
}
