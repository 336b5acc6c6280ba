package com.whatpro.hub.providers;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;

/**
 * A provider's number changed its connection state (from a connection webhook or a health check); published only when
 * the status differs from the one recorded before.
 *
 * @param previous the status recorded before; null when none was (a new provider)
 */
public record ProviderConnectionChanged(AccountId account, UUID providerId, ConnectionState.Status status,
        ConnectionState.@Nullable Status previous, @Nullable String detail) {
}
