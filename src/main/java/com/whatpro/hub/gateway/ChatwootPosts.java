package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * One post at a time per message into Chatwoot, across nodes, with no database connection held while Chatwoot
 * answers: the check that a message is not there yet, the post and the record of it run under the message's claim
 * ({@link Claims}), renewed before each Chatwoot call and given back in the transaction that records the post. Should
 * a job run twice at the same time (its lease was lost while it worked), the second run waits for the first to record
 * the post, or for its claim to expire, and then finds the message posted; should a run die after posting but before
 * recording, the next run's search finds the post.
 */
@Component
class ChatwootPosts {

    private final Claims claims;

    ChatwootPosts(Claims claims) {
        this.claims = claims;
    }

    /**
     * Runs {@code work} (check, post, record) holding the claim of {@code message} in {@code account}.
     *
     * @param lease the job's, checked with the claim before each Chatwoot call ({@link Posting#ensureHeld()})
     * @throws JobFailure.NotYet when another run holds the message's claim for longer than {@link Claims#WAIT}, or
     *         took it over while this run worked
     */
    void once(AccountId account, String message, Lease lease, Consumer<Posting> work) {
        var claim = claims.take(account, "chatwoot-post:" + message);
        try {
            work.accept(new Posting(lease, claim));
        } finally {
            claim.release();
        }
    }

    /** What the work does under the message's claim. */
    static final class Posting {

        private final Lease lease;
        private final Claims.Claim claim;

        private Posting(Lease lease, Claims.Claim claim) {
            this.lease = lease;
            this.claim = claim;
        }

        /**
         * Before each Chatwoot call: the job's lease is still held, and the claim too, renewed for another call.
         *
         * @throws JobFailure.LeaseLost when the job's lease ran out
         * @throws JobFailure.NotYet when the claim was taken over
         */
        void ensureHeld() {
            lease.ensureHeld();
            claim.ensureHeld();
        }

        /** Records what was posted (or found posted) and gives the claim back, in one transaction. */
        void record(Runnable record) {
            claim.releaseRecording(record);
        }
    }
}
