package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/**
 * A member of a Chatwoot account.
 *
 * @param role {@code administrator} or {@code agent}
 * @param availabilityStatus {@code online}, {@code busy} or {@code offline}
 */
public record ChatwootAgent(
        long id,
        String name,
        @Nullable String availableName,
        @Nullable String email,
        String role,
        boolean confirmed,
        @Nullable String availabilityStatus) {
}
