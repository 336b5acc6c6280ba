package com.whatpro.hub.kanban;

import org.jspecify.annotations.Nullable;

/** The contact behind a Chatwoot conversation, as far as the caller knows it. */
public record ContactRef(@Nullable String name, @Nullable String phone, @Nullable Long chatwootContactId) {
}
