package com.whatpro.hub.chatwoot;

import java.util.List;

/** A Chatwoot user as {@code GET /api/v1/profile} describes them. */
public record ChatwootProfile(long id, String name, String email, List<Account> accounts) {

    public ChatwootProfile {
        accounts = List.copyOf(accounts);
    }

    /** A membership: the Chatwoot account and the user's role there, {@code administrator} or {@code agent}. */
    public record Account(long id, String name, String role) {

        public boolean administrator() {
            return "administrator".equals(role);
        }
    }
}
