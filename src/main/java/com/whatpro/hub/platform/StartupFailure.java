package com.whatpro.hub.platform;

/**
 * A start-up failure whose cause is known: what went wrong and the one thing to do about it, printed as such instead
 * of a stack trace (see {@link StartupFailureAnalyzer}).
 */
public final class StartupFailure extends RuntimeException {

    private final String fix;

    public StartupFailure(String problem, String fix, Throwable cause) {
        super(problem, cause);
        this.fix = fix;
    }

    public String fix() {
        return fix;
    }
}
