package com.whatpro.hub.identity;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.security.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Chatwoot users as hub users: one hub user per Chatwoot user (linked by Chatwoot's user id, else by e-mail), and
 * their membership of an account. Used by Chatwoot SSO and by the agent sync of the gateway.
 */
@Service
public class ChatwootMembers {

    private final Users users;
    private final Memberships memberships;
    private final Entitlements entitlements;
    private final ApplicationEventPublisher events;

    ChatwootMembers(Users users, Memberships memberships, Entitlements entitlements, ApplicationEventPublisher events) {
        this.users = users;
        this.memberships = memberships;
        this.entitlements = entitlements;
        this.events = events;
    }

    /** What {@link #upsert} did. */
    public enum Outcome { ADDED, ROLE_RAISED, UNCHANGED }

    public record Synced(UUID userId, Outcome outcome) {
    }

    /**
     * Makes the Chatwoot user a member of the account: an administrator becomes admin, anyone else agent; an
     * existing higher role is kept, never lowered. A new member counts against {@code max_agents}.
     *
     * @throws com.whatpro.hub.platform.ApiProblem 403 {@code limit-exceeded} when the account has no room left
     */
    @Transactional
    public Synced upsert(AccountId account, long chatwootUserId, @Nullable String email, @Nullable String name,
            boolean administrator, @Nullable UUID actor) {
        var user = linkedUser(chatwootUserId, email, name);
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

    /** The hub user of a Chatwoot user: linked by id, else by e-mail (then linked), else created. */
    Users.User linkedUser(long chatwootUserId, @Nullable String email, @Nullable String name) {
        var linked = users.byChatwootUserId(chatwootUserId);
        if (linked.isPresent()) {
            return linked.get();
        }
        var byEmail = email == null || email.isBlank() ? Optional.<Users.User>empty() : users.byEmail(email);
        if (byEmail.isPresent()) {
            users.linkChatwoot(byEmail.get().id(), chatwootUserId);
            return users.byId(byEmail.get().id()).orElseThrow();
        }
        var address = email == null || email.isBlank() ? "chatwoot-user-" + chatwootUserId + "@chatwoot.invalid" : email;
        var displayName = name == null || name.isBlank() ? address : name;
        return users.create(address, displayName, null, chatwootUserId);
    }
}
