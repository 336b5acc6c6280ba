package com.whatpro.hub.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.ratelimit.RateLimiter;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Caller;
import com.whatpro.hub.platform.security.Role;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The members of one account. Nobody grants a role above their own or touches a member who
 * outranks them, and an account always keeps at least one admin.
 */
@Service
class AccountUsers {

    private final Users users;
    private final Memberships memberships;
    private final Entitlements entitlements;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    private final Logins logins;
    private final TransactionTemplate transactions;
    private final TransactionTemplate readOnly;
    private final RateLimiter limiter;
    private final RateLimitSettings limits;

    AccountUsers(Users users, Memberships memberships, Entitlements entitlements, PasswordEncoder passwords,
            ApplicationEventPublisher events, Logins logins, PlatformTransactionManager transactionManager,
            RateLimiter limiter, RateLimitSettings limits) {
        this.logins = logins;
        this.limiter = limiter;
        this.limits = limits;
        this.transactions = new TransactionTemplate(transactionManager);
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.users = users;
        this.memberships = memberships;
        this.entitlements = entitlements;
        this.passwords = passwords;
        this.events = events;
    }

    record NewMember(String email, String name, Role role, @Nullable String password) {
    }

    /** {@code profileShared}: the user belongs to other accounts too (see {@link #belongsElsewhere}). */
    record MemberUpdate(@Nullable String name, @Nullable Role role, @Nullable String availability,
            boolean profileShared) {
    }

    /**
     * Adds a user, new or existing, to the account. A password is hashed, or checked against an existing user's, before
     * the transaction: that takes a while, and a wrong one is a failed sign-in whose audit row must not roll back with
     * the refused add.
     */
    Memberships.Member add(AccountAccess access, NewMember request) {
        var account = access.account();
        mayGrant(access, request.role());
        chargeAdd(access);
        var found = Objects.requireNonNull(readOnly.execute(status -> users.byEmail(request.email())));
        if (found.isPresent() && memberships.isMember(account, found.get().id())) {
            throw alreadyMember();
        }
        var confirmed = found.filter(user -> mayAddExisting(access, user, request.password()))
                .map(Users.User::id).orElse(null);
        if (found.isPresent() && confirmed == null) {
            throw userExists();
        }
        var hash = found.isEmpty() ? hash(request.password()) : null;
        return Objects.requireNonNull(transactions.execute(status -> {
            var existing = users.byEmail(request.email());
            if (existing.isPresent() && memberships.isMember(account, existing.get().id())) {
                throw alreadyMember();
            }
            if (existing.isPresent() && !existing.get().id().equals(confirmed)
                    && !mayAddWithoutPassword(access, existing.get())) {
                throw userExists(); // made meanwhile, by someone else
            }
            entitlements.ensureRoom(account, Limit.AGENTS, () -> memberships.count(account));
            var user = existing.orElseGet(() -> users.create(request.email(), request.name(),
                    hash != null ? hash : hash(request.password()), null));
            memberships.add(account, user.id(), request.role());
            events.publishEvent(new MemberAdded(account, user.id(), request.role().json(), access.caller().id()));
            return memberships.member(account, user.id()).orElseThrow();
        }));
    }

    /**
     * Takes one of the account's adds by e-mail. An add answers whether the address belongs to a user of the
     * installation (user-exists), so their number is bounded per account, whatever their outcome: a 429 must not
     * tell either. The installation's operator (super_admin) is not counted.
     */
    private void chargeAdd(AccountAccess access) {
        if (!limits.enabled() || access.caller() instanceof Caller.User caller && caller.superAdmin()) {
            return;
        }
        var verdict = limiter.consume("member-adds:" + access.account().value(), limits.memberAdds());
        if (!verdict.allowed()) {
            throw ApiProblem.tooManyRequests("This account has added as many users by e-mail as it may for now; "
                    + "try again later.", verdict.retryAfterSeconds()).with("scope", "account");
        }
    }

    private @Nullable String hash(@Nullable String password) {
        return password == null ? null : passwords.encode(password);
    }

    private static ApiProblem alreadyMember() {
        return ApiProblem.conflict("already-member", "This user is already a member of the account.");
    }

    private static ApiProblem userExists() {
        return ApiProblem.conflict("user-exists", "A user with this e-mail address already exists and signs in with a "
                + "password of their own. Give their current password to add them (they may type it), or ask the "
                + "installation's operator.");
    }

    /**
     * A user who already exists (in another account, or made by the operator) signs in with a password chosen there,
     * which whoever chose it may still know: they join only when the caller shows that password, or is super_admin.
     * Adding them with any password would hand this account to whoever made the user.
     */
    private boolean mayAddExisting(AccountAccess access, Users.User user, @Nullable String password) {
        return mayAddWithoutPassword(access, user) || password != null && logins.confirms(user, password);
    }

    /** A super_admin may add anyone; a user without a password signs in only through the trusted Chatwoot. */
    private static boolean mayAddWithoutPassword(AccountAccess access, Users.User user) {
        return access.caller() instanceof Caller.User caller && caller.superAdmin() || !user.hasPassword();
    }

    @Transactional
    Optional<Memberships.Member> update(AccountAccess access, UUID userId, MemberUpdate update) {
        var account = access.account();
        var current = memberships.member(account, userId);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        var member = current.get();
        mayTouch(access, member);
        var changes = new LinkedHashMap<String, Object>();
        if (update.name() != null && !update.name().strip().equals(member.name())) {
            mayRename(access, userId, update.profileShared());
            users.rename(userId, update.name());
            changes.put("name", List.of(member.name(), update.name().strip()));
        }
        if (update.role() != null && update.role() != member.role()) {
            mayGrant(access, update.role());
            if (member.role() == Role.ADMIN && memberships.lockAdmins(account) <= 1) {
                throw ApiProblem.conflict("last-admin", "The account must keep at least one admin.");
            }
            memberships.changeRole(account, userId, update.role());
            changes.put("role", List.of(member.role().json(), update.role().json()));
        }
        if (update.availability() != null && !update.availability().equals(member.availability())) {
            memberships.changeAvailability(account, userId, update.availability());
            changes.put("availability", List.of(member.availability(), update.availability()));
        }
        if (!changes.isEmpty()) {
            events.publishEvent(new MemberChanged(account, userId, changes, access.caller().id()));
        }
        return memberships.member(account, userId);
    }

    @Transactional
    boolean remove(AccountAccess access, UUID userId) {
        var account = access.account();
        var current = memberships.member(account, userId);
        if (current.isEmpty()) {
            return false;
        }
        mayTouch(access, current.get());
        if (current.get().role() == Role.ADMIN && memberships.lockAdmins(account) <= 1) {
            throw ApiProblem.conflict("last-admin", "The account must keep at least one admin.");
        }
        memberships.remove(account, userId);
        events.publishEvent(new MemberRemoved(account, userId, access.caller().id()));
        return true;
    }

    /**
     * Whether the user is a member of another account as well. Read in the user's own scope, so
     * outside any transaction: an account's scope sees only its own memberships.
     */
    boolean belongsElsewhere(AccountId account, UUID userId) {
        return memberships.accountsOf(userId).stream().anyMatch(other -> !other.equals(account));
    }

    @Transactional(readOnly = true)
    List<Memberships.Member> page(AccountId account, @Nullable UUID after, int limit) {
        return memberships.members(account, after, limit);
    }

    private static void mayGrant(AccountAccess access, Role role) {
        if (!role.isMembershipRole() || !access.roleOrAgent().atLeast(role)) {
            throw ApiProblem.forbidden("You cannot grant a role above your own.");
        }
    }

    /** A name is the user's own across accounts: one account's admins change it only when no one else sees it. */
    private void mayRename(AccountAccess access, UUID userId, boolean belongsElsewhere) {
        if (access.caller() instanceof Caller.User caller && caller.superAdmin()) {
            return;
        }
        if (belongsElsewhere || users.byId(userId).map(Users.User::superAdmin).orElse(false)) {
            throw ApiProblem.conflict("shared-profile",
                    "This user's name is also seen outside this account; only a platform admin can change it.");
        }
    }

    private static void mayTouch(AccountAccess access, Memberships.Member member) {
        if (!access.roleOrAgent().atLeast(member.role())) {
            throw ApiProblem.forbidden("You cannot change a member who outranks you.");
        }
    }
}
