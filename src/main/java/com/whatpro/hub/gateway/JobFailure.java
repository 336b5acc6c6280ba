package com.whatpro.hub.gateway;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** How a job handler says that its job is not done: try again, give up, wait for a slot, or leave it to another node. */
sealed class JobFailure extends RuntimeException {

    JobFailure(String message) {
        super(message, null, false, false);
    }

    /** Worth another attempt, no sooner than {@code after} when given. */
    static final class RetryLater extends JobFailure {

        private final @Nullable Duration after;

        RetryLater(String message, @Nullable Duration after) {
            super(message);
            this.after = after;
        }

        @Nullable Duration after() {
            return after;
        }
    }

    /** Will fail the same way every time until someone changes something: a dead letter now. */
    static final class GiveUp extends JobFailure {

        GiveUp(String message) {
            super(message);
        }
    }

    /** Not a failure: the job may only run at {@code at} (a send limit); the attempt is not counted. */
    static final class NotYet extends JobFailure {

        private final Instant at;

        NotYet(Instant at) {
            super("not before " + at);
            this.at = at;
        }

        Instant at() {
            return at;
        }
    }

    /**
     * The job's lease ran out and another node may be running it: this run stops before its next side effect and
     * records nothing.
     */
    static final class LeaseLost extends JobFailure {

        LeaseLost(java.util.UUID job) {
            super("the lease of job " + job + " was lost");
        }
    }
}
