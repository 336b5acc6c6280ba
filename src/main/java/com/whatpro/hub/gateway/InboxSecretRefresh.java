package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootInbox;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.providers.Providers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads the secrets of the numbers' inboxes from Chatwoot again after a delivery's signature matched none of the kept
 * ones: an inbox whose secret was reset there, or one linked before the hub kept secrets. Chatwoot delivers a refused
 * webhook again, and that delivery then passes. In the background, at most once per account and node every
 * {@link #INTERVAL}, so forged deliveries cannot make the hub call a tenant's Chatwoot more often.
 */
@Component
class InboxSecretRefresh {

    static final Duration INTERVAL = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(InboxSecretRefresh.class);

    private final ChatwootConnections connections;
    private final Providers providers;
    private final Clock clock;
    private final Map<AccountId, Instant> lastRequested = new ConcurrentHashMap<>();

    InboxSecretRefresh(ChatwootConnections connections, Providers providers, Clock clock) {
        this.connections = connections;
        this.providers = providers;
        this.clock = clock;
    }

    /** Starts a refresh unless one started less than {@link #INTERVAL} ago; whether it started one. */
    boolean request(AccountId account) {
        if (!due(account)) {
            return false;
        }
        Thread.ofVirtual().name("inbox-secret-refresh-" + account).start(() -> Tenancy.runAs(account,
                () -> refresh(account)));
        return true;
    }

    /** Whether a refresh may start now; if so, it counts as started. */
    boolean due(AccountId account) {
        var now = clock.instant();
        var previous = lastRequested.get(account);
        if (previous == null) {
            return lastRequested.putIfAbsent(account, now) == null;
        }
        return !previous.plus(INTERVAL).isAfter(now) && lastRequested.replace(account, previous, now);
    }

    private void refresh(AccountId account) {
        try {
            var link = connections.link(account);
            if (link.isEmpty()) {
                return;
            }
            var inboxes = link.get().client().inboxes().stream()
                    .collect(Collectors.toMap(ChatwootInbox::id, Function.identity(), (first, second) -> first));
            int kept = 0;
            for (var provider : providers.list(account)) {
                var inbox = provider.chatwootInboxId() == null ? null : inboxes.get(provider.chatwootInboxId());
                if (inbox != null && inbox.apiChannel() && inbox.webhookSecret() != null) {
                    connections.keepInboxSecret(account, inbox.id(), inbox.webhookSecret());
                    kept++;
                }
            }
            log.info("Read the webhook secrets of {} Chatwoot inbox(es) of account {} again after a delivery whose"
                    + " signature matched none", kept, account);
        } catch (RuntimeException e) {
            log.warn("Could not read the Chatwoot inboxes' webhook secrets of account {} again: {}", account,
                    e.getMessage());
        }
    }
}
