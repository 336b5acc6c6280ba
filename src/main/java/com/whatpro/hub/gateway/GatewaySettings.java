package com.whatpro.hub.gateway;

import com.whatpro.hub.providers.ProviderType;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the gateway works through its durable queue.
 *
 * @param echoGrace how long a message the number itself sent waits before it is bridged, so that the send result
 *        of a message the hub sent arrives first and its echo is recognised
 * @param retention how long finished work is kept; duplicates of a webhook are recognised for at least this long
 * @param mediaMaxSize the largest inbound media file fetched (from the webhook's URL or through the provider) and
 *        attached to a Chatwoot message; larger ones are posted as a label
 * @param mediaTimeout how long fetching one media file may take, from the URL and again through the provider
 * @param mediaDownloads media files fetched at the same time on this node, which bounds the memory and the time
 *        that downloads take (a slot is held while the file is fetched, from the URL and through the provider, and
 *        is free again before the file is posted to Chatwoot); a job finding none free within a second is postponed
 *        for a second or two without using up an attempt
 * @param mediaDownloadsPerAccount how many of those slots one account's jobs may hold at once, so that one account's
 *        slow media (its own media URLs, provider) never take them all; 0, the default, is half of
 *        {@code mediaDownloads}, at least 1; more than {@code mediaDownloads} counts as all of them
 */
@ConfigurationProperties("whatpro.gateway")
public record GatewaySettings(
        @DefaultValue Worker worker,
        @DefaultValue Pacing pacing,
        @DefaultValue("5s") Duration echoGrace,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("16MB") DataSize mediaMaxSize,
        @DefaultValue("10s") Duration mediaTimeout,
        @DefaultValue("4") int mediaDownloads,
        @DefaultValue("0") int mediaDownloadsPerAccount) {

    /** The node's media download slots: {@link #mediaDownloads()}, at least 1. */
    int mediaDownloadSlots() {
        return Math.max(1, mediaDownloads);
    }

    /** The slots one account may hold at once: {@link #mediaDownloadsPerAccount()} or half of them, at least 1. */
    int mediaDownloadSlotsPerAccount() {
        var slots = mediaDownloadSlots();
        return mediaDownloadsPerAccount > 0 ? Math.min(mediaDownloadsPerAccount, slots) : Math.max(1, slots / 2);
    }

    /**
     * The background workers.
     *
     * @param enabled whether this node works the queue at all (it always takes webhooks in)
     * @param pollInterval how often an idle worker looks for due work; a Redis message or local work wakes it at once
     * @param batchSize the most jobs claimed at once
     * @param concurrency jobs worked on at the same time on this node; a node claims no more than it has free, so no
     *        claimed job waits on the node; each uses database connections between its outside calls (never while one
     *        is under way), so keep it below the pool size
     *        ({@code WHATPRO_DATABASE_POOL_SIZE}): webhook intake and the worker's own claims need up to 6 more
     * @param accountConcurrency jobs of one account worked on at the same time on this node, so that one account's
     *        backlog leaves room for the others' work
     * @param maxAttempts attempts before a job becomes a dead letter
     * @param backoffBase the wait after the first failure; it doubles with each further failure, with jitter
     * @param backoffCap the longest wait between attempts
     * @param lease how long a claimed job is reserved for its node without a heartbeat; when a node dies, its jobs
     *        come due again within this
     * @param heartbeat how often a node renews the leases of the jobs it holds; several heartbeats must fit in a
     *        lease, so that a slow database answer does not lose one
     * @param shutdownGrace how long a stopping node lets running jobs finish; unfinished ones come due again
     */
    public record Worker(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("50") int batchSize,
            @DefaultValue("16") int concurrency,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("2s") Duration backoffBase,
            @DefaultValue("10m") Duration backoffCap,
            @DefaultValue("20s") Duration lease,
            @DefaultValue("10s") Duration shutdownGrace,
            @DefaultValue("5s") Duration heartbeat,
            @DefaultValue("8") int accountConcurrency) {

        public Worker {
            atLeastOne("WHATPRO_GATEWAY_WORKER_BATCH_SIZE", batchSize);
            atLeastOne("WHATPRO_GATEWAY_WORKER_CONCURRENCY", concurrency);
            atLeastOne("WHATPRO_GATEWAY_WORKER_ACCOUNT_CONCURRENCY", accountConcurrency);
            atLeastOne("WHATPRO_GATEWAY_MAX_ATTEMPTS", maxAttempts);
            if (heartbeat.compareTo(lease.dividedBy(2)) > 0) {
                throw new IllegalArgumentException("whatpro.gateway.worker.heartbeat (" + heartbeat
                        + ") must be at most half the lease (" + lease + ")");
            }
        }

        /** Zero would leave the queue unworked with nothing to say so. */
        private static void atLeastOne(String setting, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
            }
        }
    }

    /**
     * Send limits per number: messages over them are queued for later, never refused. Meta's Cloud API allows 80
     * messages per second per number and about one message every 6 seconds to the same user (errors 130429, 131056);
     * Evolution API and uazapi (WhatsApp Web) publish no limits, and bursts risk a ban.
     *
     * @param burst how far a number may run ahead of its rate (as time: 1s at 80/s is a burst of 80)
     */
    public record Pacing(
            @DefaultValue("80") double cloudApiPerSecond,
            @DefaultValue("6s") Duration cloudApiPerRecipient,
            @DefaultValue("20") double evolutionPerSecond,
            @DefaultValue("0s") Duration evolutionPerRecipient,
            @DefaultValue("20") double uazapiPerSecond,
            @DefaultValue("0s") Duration uazapiPerRecipient,
            @DefaultValue("1s") Duration burst) {

        double perSecond(ProviderType type) {
            return switch (type) {
                case CLOUD_API -> cloudApiPerSecond;
                case EVOLUTION -> evolutionPerSecond;
                case UAZAPI -> uazapiPerSecond;
            };
        }

        Duration perRecipient(ProviderType type) {
            return switch (type) {
                case CLOUD_API -> cloudApiPerRecipient;
                case EVOLUTION -> evolutionPerRecipient;
                case UAZAPI -> uazapiPerRecipient;
            };
        }
    }
}
