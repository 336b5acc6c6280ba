package com.whatpro.hub.providers;

import com.whatpro.hub.platform.ExpiringCache;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the hub talks to providers and watches them.
 *
 * @param connectTimeout to open a connection to a provider
 * @param readTimeout for a provider's answer
 * @param healthCheckInterval how often each provider's state is asked for
 * @param silenceThreshold a provider that says it is connected but has sent no webhook for this long is flagged as
 *        an error (its webhook is probably not configured or not reaching us); zero turns the check off
 * @param webhookCacheTtl how long a node trusts what it read about a provider for webhook intake; a change made on
 *        another node shows after at most this long; zero turns the cache off
 * @param webhookCacheSize the most providers (and Chatwoot connections) a node keeps for webhook intake; the least
 *        used go first
 * @param webhookUnknownCacheSize the most unknown provider ids (and accounts) a node remembers as unknown, for the
 *        same time, kept apart from the known ones so that a flood of made-up ids never pushes a real one out
 */
@ConfigurationProperties("whatpro.providers")
public record ProvidersSettings(
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("5m") Duration healthCheckInterval,
        @DefaultValue("6h") Duration silenceThreshold,
        @DefaultValue("5s") Duration webhookCacheTtl,
        @DefaultValue("10000") int webhookCacheSize,
        @DefaultValue("50000") int webhookUnknownCacheSize) {

    private static final Duration MIN_PROVISION_HOLD = Duration.ofMinutes(2);

    /** A cache of what webhook intake reads, sized by these settings. */
    public <K, V> ExpiringCache<K, V> webhookCache(Clock clock) {
        return new ExpiringCache<>(webhookCacheTtl, webhookCacheSize, webhookCacheTtl, webhookUnknownCacheSize, clock);
    }

    public ProviderTimeouts timeouts() {
        return new ProviderTimeouts(connectTimeout, readTimeout);
    }

    /**
     * How long a provision under way holds its place against {@code max_providers} and its name: 2 minutes, or five
     * provider calls (connect and read timeouts together) when the timeouts are raised that far; a provision makes at
     * most three.
     */
    public Duration provisionHold() {
        var calls = connectTimeout.plus(readTimeout).multipliedBy(5);
        return calls.compareTo(MIN_PROVISION_HOLD) > 0 ? calls : MIN_PROVISION_HOLD;
    }
}
