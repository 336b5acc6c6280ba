package com.whatpro.hub.identity;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.chatwoot.ChatwootInstallation;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.security.Role;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The agents of an account's own Chatwoot as members of that account (the account's Chatwoot sync). What that
 * Chatwoot says is the tenant's word, not proof of who anyone is: a Chatwoot user is found by their identity (the
 * account's installation and their user id), else becomes a new user linked to that identity. An existing hub user
 * is never linked, relinked or found by e-mail here (they link Chatwoot themselves, signed in), and a super_admin
 * is never touched.
 */
@Service
public class ChatwootMembers {

    private final Users users;
    private final ChatwootLinks links;
    private final Memberships memberships;
    private final Entitlements entitlements;
    private final ApplicationEventPublisher events;

    ChatwootMembers(Users users, ChatwootLinks links, Memberships memberships, Entitlements entitlements,
            ApplicationEventPublisher events) {
        this.users = users;
        this.links = links;
        this.memberships = memberships;
        this.entitlements = entitlements;
        this.events = events;
    }

    /** What {@link #upsert} did. */
    public enum Outcome { ADDED, ROLE_RAISED, UNCHANGED }

    public record Synced(UUID userId, Outcome outcome) {
    }

    /**
     * Makes the Chatwoot user {@code chatwootUserId} of {@code installation} a member of the account: an
     * administrator becomes admin, anyone else agent; an existing higher role is kept, never lowered. A new member
     * counts against {@code max_agents}.
     *
     * @throws com.whatpro.hub.platform.ApiProblem 403 {@code limit-exceeded} when the account has no room left;
     *         409 {@code chatwoot-link-required} when the e-mail belongs to a hub user not linked to this Chatwoot
     *         user; 409 {@code super-admin-not-synced} for a super_admin
     */
    @Transactional
    public Synced upsert(AccountId account, ChatwootInstallation installation, long chatwootUserId,
            @Nullable String email, @Nullable String name, boolean administrator, @Nullable UUID actor) {
        var user = member(account, new ChatwootIdentity(installation, chatwootUserId), email, name);
        var role = administrator ? Role.ADMIN : Role.AGENT;
        var before = memberships.role(account, user.id());
        if (before.isEmpty()) {
            entitlements.ensureRoom(account, Limit.AGENTS, () -> memberships.count(account));
        }
        if (!memberships.grantAtLeast(account, user.id(), role)) {
            return new Synced(user.id(), Outcome.UNCHANGED);
        }
        if (before.isEmpty()) {
            events.publishEvent(new MemberAdded(account, user.id(), role.json(), actor));
            return new Synced(user.id(), Outcome.ADDED);
        }
        events.publishEvent(new MemberChanged(account, user.id(),
                Map.of("role", List.of(before.get().json(), role.json())), actor));
        return new Synced(user.id(), Outcome.ROLE_RAISED);
    }

    private Users.User member(AccountId account, ChatwootIdentity identity, @Nullable String email,
            @Nullable String name) {
        var linked = users.byChatwootIdentity(identity);
        if (linked.isPresent()) {
            if (linked.get().superAdmin()) {
                throw ApiProblem.conflict("super-admin-not-synced",
                        "This Chatwoot user is a super_admin of the hub, whom a sync never changes.");
            }
            return linked.get();
        }
        var address = email == null || email.isBlank() ? ChatwootLinks.placeholderEmail(identity) : email;
        if (users.byEmail(address).isPresent()) {
            throw ApiProblem.conflict("chatwoot-link-required", "A hub user with this e-mail exists and is not "
                    + "linked to this Chatwoot user; they link it themselves (POST /api/v1/auth/chatwoot-link).");
        }
        return links.createLinked(identity, address, name, "sync", account);
    }
}
