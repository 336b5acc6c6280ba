package com.whatpro.hub.automations;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How rules run.
 *
 * @param worker whether this node works runs and scans for time-based triggers
 * @param pollInterval how often an idle worker looks for due runs (a run triggered on this node wakes it at once)
 * @param scanInterval how often the SLA and idle triggers are looked for
 * @param concurrency how many accounts' runs this node works at once (at least 1), one run at a time for each
 *     account, so a run waiting on a slow webhook holds up only its own account's runs
 * @param lease how long a node holds a claimed run before another may take it over
 * @param maxDepth how many rules may trigger one another in a chain before the chain is stopped
 * @param maxChainRuns how many runs one chain may record (its root not counted), whatever its shape, before the rest
 *     of it is stopped: the depth alone would let a rule whose actions trigger it several times multiply its runs
 * @param maxAttempts attempts of a run whose actions failed in a way worth retrying
 * @param webhookTimeout how long a webhook action's call may take
 */
@ConfigurationProperties("whatpro.automations")
record AutomationSettings(
        @DefaultValue("true") boolean worker,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("60s") Duration scanInterval,
        @DefaultValue("4") int concurrency,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("5") int maxDepth,
        @DefaultValue("50") int maxChainRuns,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("10s") Duration webhookTimeout) {

    AutomationSettings {
        if (concurrency < 1) {
            // zero would leave every rule's runs waiting forever, with nothing to say so
            throw new IllegalArgumentException("WHATPRO_AUTOMATIONS_CONCURRENCY must be at least 1, was "
                    + concurrency);
        }
    }
}
