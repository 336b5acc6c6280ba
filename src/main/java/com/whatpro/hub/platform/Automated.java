package com.whatpro.hub.platform;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The automation rule whose run is doing the work at hand, if any: card history and the audit log name it as the
 * actor, and a rule triggered by what another rule did knows how deep the chain already is.
 */
public final class Automated {

    private static final ScopedValue<Run> CURRENT = ScopedValue.newInstance();

    private Automated() {
    }

    /**
     * @param depth 0 for a run triggered by a person or a program, one more for each rule in the chain
     * @param chainId the run at the chain's root (depth 0), which is this run's own id there
     */
    public record Run(UUID automationId, UUID runId, int depth, UUID chainId) {
    }

    public static <T> T callAs(Run run, Supplier<T> work) {
        return ScopedValue.where(CURRENT, run).call(work::get);
    }

    public static Optional<Run> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }
}
