package com.whatpro.hub.identity;

import com.whatpro.hub.accounts.Accounts;
import com.whatpro.hub.chatwoot.ChatwootClient;
import com.whatpro.hub.chatwoot.ChatwootProfile;
import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.platform.ApiProblem;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.security.Role;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sign-in with a Chatwoot user access token: the hub asks Chatwoot who the token belongs to
 * ({@code GET /api/v1/profile}), links that Chatwoot user to one hub user, and gives them a
 * membership in every account whose {@code chatwoot_account_id} matches one of theirs
 * (administrator → admin, anyone else → agent; an existing higher role is kept). Chatwoot
 * accounts the hub does not know are ignored.
 */
@Service
class ChatwootSso {

    private final ChatwootClient chatwoot;
    private final ChatwootSettings settings;
    private final ChatwootMembers members;
    private final Memberships memberships;
    private final Accounts accounts;
    private final SessionRegistry sessions;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    ChatwootSso(ChatwootClient chatwoot, ChatwootSettings settings, ChatwootMembers members, Memberships memberships,
            Accounts accounts, SessionRegistry sessions, PlatformTransactionManager transactions,
            ApplicationEventPublisher events) {
        this.chatwoot = chatwoot;
        this.settings = settings;
        this.members = members;
        this.memberships = memberships;
        this.accounts = accounts;
        this.sessions = sessions;
        this.transactions = new TransactionTemplate(transactions);
        this.events = events;
    }

    SessionRegistry.Grant login(String chatwootToken, ClientInfo client) {
        var base = settings.url();
        if (base == null || base.toString().isBlank()) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "sso-unavailable", "Service Unavailable",
                    "Chatwoot sign-in is not configured (WHATPRO_CHATWOOT_URL).");
        }
        ChatwootProfile profile;
        try {
            profile = chatwoot.profile(base, chatwootToken);
        } catch (ChatwootRejected e) {
            transactions.executeWithoutResult(status -> events.publishEvent(new LoginFailed("chatwoot", "chatwoot_rejected")));
            throw ApiProblem.unauthorized("Chatwoot did not accept this token.");
        } catch (ChatwootUnavailable e) {
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "chatwoot-unavailable", "Service Unavailable",
                    "Chatwoot could not be reached; try again shortly.");
        }
        var user = transactions.execute(status -> linkedUser(profile));
        for (var account : profile.accounts()) {
            accounts.byChatwootAccountId(account.id()).filter(a -> a.active()).ifPresent(known -> {
                var role = "administrator".equalsIgnoreCase(account.role()) ? Role.ADMIN : Role.AGENT;
                Tenancy.runAs(known.id(), () -> transactions.executeWithoutResult(status -> {
                    var before = memberships.role(known.id(), user.id());
                    if (memberships.grantAtLeast(known.id(), user.id(), role)) {
                        events.publishEvent(before.isEmpty()
                                ? new MemberAdded(known.id(), user.id(), role.json(), null)
                                : new MemberChanged(known.id(), user.id(),
                                        java.util.Map.of("role", java.util.List.of(before.get().json(), role.json())), null));
                    }
                }));
            });
        }
        return sessions.open(user.id(), "chatwoot_sso", client);
    }

    private Users.User linkedUser(ChatwootProfile profile) {
        return members.linkedUser(profile.id(), profile.email(), profile.name());
    }
}
