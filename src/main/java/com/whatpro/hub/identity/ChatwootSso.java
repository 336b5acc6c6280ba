package com.whatpro.hub.identity;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.accounts.Entitlements;
import com.whatpro.hub.accounts.Limit;
import com.whatpro.hub.chatwoot.ChatwootClient;
import com.whatpro.hub.chatwoot.ChatwootInstallation;
import com.whatpro.hub.chatwoot.ChatwootProfile;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Role;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sign-in with a Chatwoot user access token of the installation SSO trusts ({@code WHATPRO_CHATWOOT_URL}): the hub
 * asks Chatwoot who the token belongs to ({@code GET /api/v1/profile}) and finds the hub user linked to that
 * identity (installation, user id). Without one, a new user is created, or the hub user with the same e-mail is
 * linked if nothing but that e-mail could prove who they are (no password, not super_admin, not linked to this
 * installation already); anyone else links Chatwoot themselves, signed in ({@link #link}). The user then gets a
 * membership in every account whose {@code chatwoot_account_id} matches one of theirs and whose plan includes
 * {@code chatwoot_sso} (administrator → admin, anyone else → agent; an existing higher role is kept). Chatwoot
 * accounts the hub does not know are ignored.
 */
@Service
class ChatwootSso {

    private static final Logger log = LoggerFactory.getLogger(ChatwootSso.class);

    static final String FEATURE = "chatwoot_sso";

    private final ChatwootClient chatwoot;
    private final ChatwootSettings settings;
    private final Users users;
    private final ChatwootLinks links;
    private final Memberships memberships;
    private final Accounts accounts;
    private final Entitlements entitlements;
    private final SessionRegistry sessions;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    ChatwootSso(ChatwootClient chatwoot, ChatwootSettings settings, Users users, ChatwootLinks links,
            Memberships memberships, Accounts accounts, Entitlements entitlements, SessionRegistry sessions,
            PlatformTransactionManager transactions, ApplicationEventPublisher events) {
        this.chatwoot = chatwoot;
        this.settings = settings;
        this.users = users;
        this.links = links;
        this.memberships = memberships;
        this.accounts = accounts;
        this.entitlements = entitlements;
        this.sessions = sessions;
        this.transactions = new TransactionTemplate(transactions);
        this.events = events;
    }

    SessionRegistry.Grant login(String chatwootToken, ClientInfo client) {
        var base = trustedBase();
        var profile = profile(base, chatwootToken, true);
        var identity = new ChatwootIdentity(ChatwootInstallation.of(base), profile.id());
        var user = signedInOnce(identity, profile);
        for (var account : profile.accounts()) {
            accounts.byChatwootAccountId(account.id()).filter(a -> a.active()).ifPresent(known -> {
                var role = account.administrator() ? Role.ADMIN : Role.AGENT;
                var userId = user.id();
                Tenancy.runAs(known.id(), () -> transactions.executeWithoutResult(status -> {
                    if (!Boolean.TRUE.equals(entitlements.of(known.id()).features().get(FEATURE))) {
                        return;
                    }
                    var before = memberships.role(known.id(), userId);
                    if (before.isEmpty()
                            && !entitlements.hasRoom(known.id(), Limit.AGENTS, () -> memberships.count(known.id()))) {
                        log.info("Chatwoot sign-in of user {}: account {} has no room for another member", userId,
                                known.id().value());
                        return;
                    }
                    if (memberships.grantAtLeast(known.id(), userId, role)) {
                        events.publishEvent(before.isEmpty()
                                ? new MemberAdded(known.id(), userId, role.json(), null)
                                : new MemberChanged(known.id(), userId,
                                        Map.of("role", List.of(before.get().json(), role.json())), null));
                    }
                }));
            });
        }
        return sessions.open(user.id(), "chatwoot_sso", client);
    }

    /**
     * Links the signed-in user to the Chatwoot user whose token this is, replacing a link they had.
     *
     * @throws ApiProblem 409 {@code chatwoot-already-linked} when that Chatwoot user is linked to another hub user
     */
    void link(UUID userId, String chatwootToken) {
        var base = trustedBase();
        var profile = profile(base, chatwootToken, false);
        var identity = new ChatwootIdentity(ChatwootInstallation.of(base), profile.id());
        try {
            transactions.executeWithoutResult(status -> {
                var holder = users.byChatwootIdentity(identity);
                if (holder.isPresent() && !holder.get().id().equals(userId)) {
                    throw alreadyLinked();
                }
                var user = users.byId(userId).orElseThrow(() -> ApiProblem.unauthorized("Unknown user."));
                links.link(user, identity, "chatwoot_link");
            });
        } catch (DuplicateKeyException raced) {
            throw alreadyLinked();
        }
    }

    private Users.User signedInOnce(ChatwootIdentity identity, ChatwootProfile profile) {
        try {
            return signedIn(identity, profile);
        } catch (DuplicateKeyException raced) {
            // the same Chatwoot user signing in twice at once: the other sign-in created or linked them
            return signedIn(identity, profile);
        }
    }

    private Users.User signedIn(ChatwootIdentity identity, ChatwootProfile profile) {
        var user = transactions.execute(status -> {
            var linked = users.byChatwootIdentity(identity);
            if (linked.isPresent()) {
                return linked.get();
            }
            var email = profile.email();
            var byEmail = email == null || email.isBlank() ? Optional.<Users.User>empty() : users.byEmail(email);
            if (byEmail.isEmpty()) {
                return links.createLinked(identity, email, profile.name(), "sso", null);
            }
            var existing = byEmail.get();
            var linkedHere = existing.linkedToChatwoot() && (existing.chatwoot() == null
                    || existing.chatwoot().installation().equals(identity.installation()));
            if (existing.hasPassword() || existing.superAdmin() || linkedHere) {
                return null;
            }
            return links.link(existing, identity, "sso");
        });
        if (user == null) {
            transactions.executeWithoutResult(status ->
                    events.publishEvent(new LoginFailed("chatwoot", "chatwoot_link_required")));
            throw new ApiProblem(HttpStatus.CONFLICT, "chatwoot-link-required", "Chatwoot link required",
                    "A hub user with this Chatwoot user's e-mail exists. Sign in to the hub as that user and link "
                            + "Chatwoot with POST /api/v1/auth/chatwoot-link, then sign in through Chatwoot.");
        }
        return user;
    }

    private URI trustedBase() {
        var base = settings.url();
        if (base == null || base.toString().isBlank()) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "sso-unavailable", "Service Unavailable",
                    "Chatwoot sign-in is not configured (WHATPRO_CHATWOOT_URL).");
        }
        return base;
    }

    private ChatwootProfile profile(URI base, String chatwootToken, boolean signingIn) {
        try {
            return chatwoot.profile(base, chatwootToken);
        } catch (ChatwootRejected e) {
            if (signingIn) {
                transactions.executeWithoutResult(status ->
                        events.publishEvent(new LoginFailed("chatwoot", "chatwoot_rejected")));
            }
            throw ApiProblem.unauthorized("Chatwoot did not accept this token.");
        } catch (ChatwootUnavailable e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "chatwoot-unavailable", "Service Unavailable",
                    "Chatwoot could not be reached; try again shortly.");
        }
    }

    private static ApiProblem alreadyLinked() {
        return new ApiProblem(HttpStatus.CONFLICT, "chatwoot-already-linked", "Chatwoot user already linked",
                "This Chatwoot user is linked to another hub user.");
    }
}
