package com.whatpro.hub.identity;

import java.util.HexFormat;

import com.whatpro.hub.platform.AccountId;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The only place a user's Chatwoot link is set or replaced, so every link and unlink is audited. Who may be linked
 * to what is decided by the callers: {@link ChatwootSso} for the installation SSO trusts, {@link ChatwootMembers}
 * for an account's own Chatwoot. Call inside a transaction.
 */
@Component
class ChatwootLinks {

    private final Users users;
    private final ApplicationEventPublisher events;

    ChatwootLinks(Users users, ApplicationEventPublisher events) {
        this.users = users;
        this.events = events;
    }

    /** A new user (no password) linked to the identity; without an e-mail, a placeholder address of that identity. */
    Users.User createLinked(ChatwootIdentity identity, @Nullable String email, @Nullable String name, String via,
            @Nullable AccountId account) {
        var address = email == null || email.isBlank() ? placeholderEmail(identity) : email;
        var displayName = name == null || name.isBlank() ? address : name;
        var user = users.create(address, displayName, null, identity);
        events.publishEvent(new ChatwootLinked(user.id(), identity.installation().url(), identity.userId(), via, account));
        return user;
    }

    /** Links an existing user to the identity; a link they had before is removed (and that is audited too). */
    Users.User link(Users.User user, ChatwootIdentity identity, String via) {
        if (!users.linkChatwoot(user.id(), identity)) {
            return user;
        }
        var previous = user.chatwootUserId();
        if (previous != null) {
            var installation = user.chatwoot() == null ? null : user.chatwoot().installation().url();
            events.publishEvent(new ChatwootUnlinked(user.id(), installation, previous, via));
        }
        events.publishEvent(new ChatwootLinked(user.id(), identity.installation().url(), identity.userId(), via, null));
        return users.byId(user.id()).orElseThrow();
    }

    static String placeholderEmail(ChatwootIdentity identity) {
        var installation = HexFormat.of().formatHex(
                SessionRegistry.hash(identity.installation().url()), 0, 6);
        return "chatwoot-" + installation + "-user-" + identity.userId() + "@chatwoot.invalid";
    }
}
