package com.whatpro.hub.providers;

/** A provider reports that its number connected, disconnected or failed. */
public record ConnectionUpdate(ConnectionState state) implements ProviderEvent {
}
