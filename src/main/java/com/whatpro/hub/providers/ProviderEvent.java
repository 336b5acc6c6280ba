package com.whatpro.hub.providers;

/** What a provider's webhook told us, in the hub's terms. */
public sealed interface ProviderEvent permits InboundMessage, StatusUpdate, ConnectionUpdate, LidMapping {
}
