package com.whatpro.hub;

import org.springframework.test.context.TestContextManager;

/**
 * Spring's test context for test engines other than JUnit Jupiter (jqwik): the same cached application context the
 * Jupiter tests of the same configuration use, injected into the test instance.
 */
public final class SpringInjection {

    private SpringInjection() {
    }

    /** Starts (or takes from the cache) the instance's context and injects its fields, {@code @LocalServerPort} too. */
    public static void inject(Object testInstance) {
        try {
            new TestContextManager(testInstance.getClass()).prepareTestInstance(testInstance);
        } catch (Exception e) {
            throw new IllegalStateException("the Spring test context did not start", e);
        }
    }
}
