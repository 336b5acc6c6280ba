package com.whatpro.hub.identity;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.whatpro.hub.accounts.AccountChanged;
import com.whatpro.hub.accounts.EntitlementsChanged;
import com.whatpro.hub.identity.AccessNotices.Notice;
import com.whatpro.hub.platform.security.AccountAccess;
import com.whatpro.hub.platform.security.Permission;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The caller's access for responses that outlive their request (event streams). A stream is let in
 * like any request, then holds a {@link Watch} for as long as it stays open and asks it
 * {@link Watch#allowed()} before it sends anything. The watch reads the caller's credential again,
 * as a request's is read ({@link Authenticator#recheck}), when something may have ended it — a
 * session revoked, a member removed or given another role, an API key revoked, an account changed
 * (deactivated, another plan) — at once on the node where that was committed and, through
 * {@link AccessNotices}, on the others as soon as Redis carries the notice; and otherwise once the
 * last read is {@code whatpro.identity.stream-recheck} old, which catches expiries and notices lost
 * with Redis. A caller who no longer has what the stream needs gets nothing more: the stream ends.
 * Nothing is read per event.
 */
@Service
public class LiveAccess {

    private static final Logger log = LoggerFactory.getLogger(LiveAccess.class);

    private final Authenticator authenticator;
    private final AccessNotices notices;
    private final long recheckNanos;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile long lastNoticeAt = System.nanoTime();

    LiveAccess(Authenticator authenticator, AccessNotices notices, IdentitySettings settings) {
        this.authenticator = authenticator;
        this.notices = notices;
        this.recheckNanos = settings.streamRecheck().toNanos();
        notices.onNotice(this::received);
    }

    /**
     * Starts watching the access of the current request's caller, as the request found it. Call it on
     * the request's thread.
     *
     * @param needs what the stream needs to go on; it ends once the caller lacks any of them
     * @param wake called, from any thread, when the stream should ask {@link Watch#allowed()} without
     *     waiting for its next event or heartbeat; it must not block
     */
    public Watch watch(AccountAccess access, Set<Permission> needs, Runnable wake) {
        var checkedAt = requestCheckedAt();
        var watch = new Watch(access, Set.copyOf(needs), wake, checkedAt == null ? System.nanoTime() : checkedAt);
        watches.add(watch);
        // a notice that came after the request read the credential, but before this watch was listed,
        // would otherwise be missed (a notice marks the time before it looks at the watches)
        if (checkedAt == null || lastNoticeAt - checkedAt >= 0) {
            watch.notice();
        }
        return watch;
    }

    /** One stream's hold on its caller's access. */
    public final class Watch implements AutoCloseable {

        private final AccountAccess access;
        private final Set<Permission> needs;
        private final Runnable wake;
        private volatile long checkedAt;
        private volatile boolean stale;
        private volatile boolean ended;

        private Watch(AccountAccess access, Set<Permission> needs, Runnable wake, long checkedAt) {
            this.access = access;
            this.needs = needs;
            this.wake = wake;
            this.checkedAt = checkedAt;
        }

        /**
         * Whether the caller may still be sent what the stream carries. Reads the credential again
         * when a notice named this caller or the last read is older than the re-check interval;
         * otherwise answers at once. Once false, always false. Call it from the stream's own thread,
         * before sending each event or heartbeat.
         */
        public boolean allowed() {
            if (ended) {
                return false;
            }
            var now = System.nanoTime();
            if (!stale && now - checkedAt < recheckNanos) {
                return true;
            }
            // cleared before the read: a notice arriving during it marks the watch again
            stale = false;
            checkedAt = now;
            if (!stillAllowed(this)) {
                ended = true;
                close();
                return false;
            }
            return true;
        }

        /** Stops watching; the stream is over. */
        @Override
        public void close() {
            watches.remove(this);
        }

        private void notice() {
            stale = true;
            wake.run();
        }
    }

    private boolean stillAllowed(Watch watch) {
        try {
            return authenticator.recheck(watch.access)
                    .filter(now -> watch.needs.stream().allMatch(now::allows))
                    .isPresent();
        } catch (RuntimeException e) {
            // a caller who cannot be checked gets nothing more; the client reconnects and is checked then
            log.info("Cannot check the caller of an event stream again, so the stream ends: {}", e.toString());
            return false;
        }
    }

    // ---------------------------------------------------------------- what may end someone's access

    @EventListener
    void on(SessionRevoked revoked) {
        announceAfterCommit(Notice.session(revoked.sessionId()));
    }

    @EventListener
    void on(MemberRemoved removed) {
        announceAfterCommit(Notice.user(removed.userId()));
    }

    @EventListener
    void on(MemberChanged changed) {
        if (changed.changes().containsKey("role")) {
            announceAfterCommit(Notice.user(changed.userId()));
        }
    }

    @EventListener
    void on(ApiKeyRevoked revoked) {
        announceAfterCommit(Notice.key(revoked.keyId()));
    }

    @EventListener
    void on(AccountChanged changed) {
        announceAfterCommit(Notice.account(changed.account()));
    }

    @EventListener
    void on(EntitlementsChanged changed) {
        announceAfterCommit(Notice.account(changed.account()));
    }

    /**
     * Tells this node's streams once the change is committed (at once without a transaction), before
     * the request that made it answers, and queues the notice for the other nodes.
     */
    private void announceAfterCommit(Notice notice) {
        Runnable announce = () -> {
            received(notice);
            notices.send(notice);
        };
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            announce.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                announce.run();
            }
        });
    }

    private void received(Notice notice) {
        lastNoticeAt = System.nanoTime();
        for (var watch : watches) {
            if (notice.names(watch.access)) {
                watch.notice();
            }
        }
    }

    private static @Nullable Long requestCheckedAt() {
        var attributes = RequestContextHolder.getRequestAttributes();
        return attributes != null
                && attributes.getAttribute(Authenticator.CHECKED_AT, RequestAttributes.SCOPE_REQUEST) instanceof Long at
                ? at : null;
    }
}
