package com.whatpro.hub.webhooks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of outgoing webhooks ({@code whatpro.webhooks.*}).
 *
 * @param maxPerAccount how many subscriptions one account may have
 * @param retryWindow how long a delivery is retried before it is marked failed
 * @param disableAfter a subscription whose every attempt has failed for this long is disabled
 * @param timeout the total deadline of one attempt (connect, headers and body)
 * @param maxResponseSize how much of a receiver's answer is read; a longer one counts as a failed attempt
 * @param backoffBase the wait after the first failed attempt; it doubles with each one, with jitter
 * @param backoffCap the longest wait between two attempts
 * @param concurrency how many deliveries one node sends at once
 * @param accountConcurrency how many of one account's deliveries one node sends at once, so no account starves the
 *     others
 * @param pollInterval how often an idle worker looks for due deliveries
 * @param retention how long delivered and failed deliveries are kept
 */
@ConfigurationProperties("whatpro.webhooks")
record WebhooksSettings(
        @DefaultValue("25") int maxPerAccount,
        @DefaultValue("24h") Duration retryWindow,
        @DefaultValue("3d") Duration disableAfter,
        @DefaultValue("15s") Duration timeout,
        @DefaultValue("64KB") DataSize maxResponseSize,
        @DefaultValue("10s") Duration backoffBase,
        @DefaultValue("3h") Duration backoffCap,
        @DefaultValue("true") boolean workerEnabled,
        @DefaultValue("16") int concurrency,
        @DefaultValue("4") int accountConcurrency,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("30d") Duration retention) {

    /** A claim lasts longer than any attempt can, so a living node never loses a delivery it is sending. */
    Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }
}
