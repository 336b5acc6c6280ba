package com.whatpro.hub.gateway;

/** The claim a running job holds: checked before each side effect that must not happen twice. */
@FunctionalInterface
interface Lease {

    /** A lease that nobody can take away (work that runs outside the queue). */
    Lease NONE = () -> {
    };

    /** @throws JobFailure.LeaseLost when the job's lease ran out and another node may be running it */
    void ensureHeld();
}
