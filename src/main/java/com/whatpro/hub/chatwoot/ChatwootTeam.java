package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

public record ChatwootTeam(long id, String name, @Nullable String description, boolean allowAutoAssign) {
}
