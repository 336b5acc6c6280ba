package com.whatpro.hub.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Backoff;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.StandardWebhooks;
import com.whatpro.hub.platform.outbound.OutboundException;
import com.whatpro.hub.platform.outbound.OutboundHttp;
import com.whatpro.hub.platform.outbound.OutboundPolicy;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends due deliveries from this node: claims them ({@link Deliveries#claim}), sends each on a virtual thread in its
 * account's scope, signed per Standard Webhooks, through {@link OutboundHttp} (the outbound policy again, a total
 * deadline, a cap on the answer), and records the outcome. A 2xx answer delivers it; 410 Gone fails it and disables
 * the subscription; anything else is retried with exponential backoff and jitter until the retry window (24 h) would
 * be passed, then the delivery fails. A subscription whose attempts have all failed for
 * {@link WebhooksSettings#disableAfter()} is disabled, with an audit entry.
 */
@Component
class DeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final Deliveries deliveries;
    private final Subscriptions subscriptions;
    private final WebhooksSettings settings;
    private final OutboundHttp http;
    private final TransactionTemplate transactions;
    private final String node;
    private final Semaphore wake = new Semaphore(0);
    private final Map<UUID, Deliveries.Claimed> held = new ConcurrentHashMap<>();
    private final Object claiming = new Object();
    private volatile boolean running;
    private volatile boolean paused;
    private volatile @Nullable Thread loop;
    private volatile @Nullable ExecutorService executor;

    DeliveryWorker(Deliveries deliveries, Subscriptions subscriptions, WebhooksSettings settings,
            OutboundPolicy policy, PlatformTransactionManager transactions) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.settings = settings;
        this.http = new OutboundHttp(policy, settings.timeout(), settings.timeout(), "webhook");
        this.transactions = new TransactionTemplate(transactions);
        this.node = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** New deliveries were added on this node: look for due work now rather than at the next poll. */
    void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Stops claiming (for tests that play another node); returns once a claim under way has finished. */
    void pause() {
        paused = true;
        synchronized (claiming) {
            log.debug("Webhook worker paused");
        }
    }

    void resume() {
        paused = false;
        wake();
    }

    @Override
    public boolean isAutoStartup() {
        return settings.workerEnabled();
    }

    @Override
    public void start() {
        running = true;
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-delivery-", 0).factory());
        loop = Thread.ofVirtual().name("webhook-worker").start(this::run);
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                synchronized (claiming) {
                    int free = settings.concurrency() - held.size();
                    if (!paused && free > 0) {
                        var busy = new HashMap<AccountId, Integer>();
                        held.values().forEach(claim -> busy.merge(claim.account(), 1, Integer::sum));
                        var claimed = deliveries.claim(node, free, settings.lease(), settings.accountConcurrency(),
                                busy);
                        claimed.forEach(this::start);
                        more = claimed.size() == free;
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Claiming webhook deliveries failed; trying again shortly: {}", e.toString());
            }
            if (more) {
                continue;
            }
            try {
                wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void start(Deliveries.Claimed claim) {
        held.put(claim.id(), claim);
        var pool = executor;
        if (pool == null) {
            held.remove(claim.id());
            return;
        }
        pool.execute(() -> {
            try {
                Tenancy.runAs(claim.account(), () -> attempt(claim));
            } catch (RuntimeException e) {
                log.warn("Webhook delivery {} failed unexpectedly; it comes due again after its lease: {}",
                        claim.id(), e.toString());
            } finally {
                held.remove(claim.id());
                wake();
            }
        });
    }

    /** One attempt of one delivery, in its account's scope. */
    void attempt(Deliveries.Claimed claim) {
        var subscription = subscriptions.find(claim.account(), claim.subscriptionId());
        if (subscription.isEmpty()) {
            return; // deleted: its deliveries went with it
        }
        if (!subscription.get().enabled()) {
            transactions.executeWithoutResult(status -> deliveries.failed(claim, null, "the webhook is disabled"));
            return;
        }
        var secret = subscriptions.secret(claim.account(), claim.subscriptionId());
        var timestamp = Instant.now().getEpochSecond();
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("webhook-id", claim.id().toString());
        headers.set("webhook-timestamp", Long.toString(timestamp));
        headers.set("webhook-signature", StandardWebhooks.sign(secret, claim.id().toString(), timestamp, claim.body()));
        try {
            var response = http.send("POST", URI.create(subscription.get().url()), headers,
                    claim.body().getBytes(StandardCharsets.UTF_8),
                    OutboundHttp.Limits.of(settings.timeout(), settings.maxResponseSize().toBytes()));
            if (response.successful()) {
                transactions.executeWithoutResult(status -> {
                    deliveries.delivered(claim, response.status());
                    subscriptions.succeeded(claim.account(), claim.subscriptionId());
                });
            } else if (response.status() == 410) {
                transactions.executeWithoutResult(status -> {
                    if (deliveries.failed(claim, 410, "the receiver answered 410 Gone")) {
                        subscriptions.disable(claim.account(), claim.subscriptionId(),
                                "the receiver answered 410 Gone");
                    }
                });
            } else {
                failed(claim, response.status(), "the receiver answered " + response.status());
            }
        } catch (OutboundException e) {
            if (e.kind() == OutboundException.Kind.REFUSED) {
                failedForGood(claim, e.getMessage());
            } else {
                failed(claim, null, e.getMessage());
            }
        }
    }

    /** A failed attempt: another one later, unless that would pass the retry window. */
    private void failed(Deliveries.Claimed claim, @Nullable Integer status, @Nullable String reason) {
        var why = reason == null ? "failed" : reason;
        var delay = backoff(claim.attempts());
        var windowEnd = claim.windowStartedAt().plus(settings.retryWindow());
        transactions.executeWithoutResult(tx -> {
            boolean recorded = Instant.now().plus(delay).isAfter(windowEnd)
                    ? deliveries.failed(claim, status, "gave up after " + claim.attempts() + " attempts: " + why)
                    : deliveries.retry(claim, delay, status, why);
            if (recorded) {
                failing(claim);
            }
        });
    }

    /** A failed attempt that no retry can mend (the outbound policy refused the receiver's address). */
    private void failedForGood(Deliveries.Claimed claim, @Nullable String reason) {
        transactions.executeWithoutResult(tx -> {
            if (deliveries.failed(claim, null, reason == null ? "refused" : reason)) {
                failing(claim);
            }
        });
    }

    private void failing(Deliveries.Claimed claim) {
        if (subscriptions.failedFor(claim.account(), claim.subscriptionId(), settings.disableAfter())) {
            subscriptions.disable(claim.account(), claim.subscriptionId(),
                    "every delivery failed for " + settings.disableAfter().toString().substring(2).toLowerCase());
        }
    }

    Duration backoff(int attempt) {
        return Backoff.jittered(settings.backoffBase(), settings.backoffCap(), attempt);
    }

    /** Forgets delivered and failed deliveries after the retention period. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
    void purge() {
        if (!running) {
            return;
        }
        try {
            int purged = deliveries.purge(settings.retention());
            if (purged > 0) {
                log.info("Forgot {} webhook deliveries older than {}", purged, settings.retention());
            }
        } catch (RuntimeException e) {
            log.warn("Purging old webhook deliveries failed: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        wake();
        var thread = loop;
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        var pool = executor;
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    pool.shutdownNow(); // what is cut short comes due again after its lease
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void close() {
        http.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }
}
