package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Works the queue on this node: claims due jobs, runs each in its account's tenant scope, and records the outcome.
 * Jobs with the same ordering key (a contact's messages) run one after another, in queue order; others run in
 * parallel on virtual threads, at most {@link GatewaySettings.Worker#concurrency()} lanes at once. Claims are made a
 * batch at a time, with at most one further batch waiting on the node. A failure is
 * retried with exponential backoff and jitter; after {@link GatewaySettings.Worker#maxAttempts()} attempts, or at
 * once when retrying cannot help, the job becomes a dead letter.
 */
@Component
class JobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
    private static final long FLUSH_MILLIS = 20;

    private final Jobs jobs;
    private final JobHandlers handlers;
    private final Wakeups wakeups;
    private final GatewaySettings.Worker settings;
    private final String node;
    private final Semaphore wake = new Semaphore(0);
    private final Semaphore lanesFree;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, ArrayDeque<Jobs.Claimed>> lanes = new HashMap<>();
    private volatile boolean running;
    private volatile boolean paused;
    private volatile @Nullable Thread loop;
    private volatile @Nullable Thread flusher;
    private final java.util.concurrent.ConcurrentLinkedQueue<UUID> finished = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile @Nullable ExecutorService executor;

    JobWorker(Jobs jobs, JobHandlers handlers, Wakeups wakeups, GatewaySettings settings) {
        this.jobs = jobs;
        this.handlers = handlers;
        this.wakeups = wakeups;
        this.settings = settings.worker();
        this.lanesFree = new Semaphore(this.settings.concurrency());
        this.node = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        wakeups.onWake(this::wake);
    }

    /** The name this node's claims carry. */
    String node() {
        return node;
    }

    void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Stops claiming new work (for tests that need another node to take it); running jobs go on. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        wake();
    }

    @Override
    public boolean isAutoStartup() {
        return settings.enabled();
    }

    @Override
    public void start() {
        running = true;
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gateway-job-", 0).factory());
        loop = Thread.ofVirtual().name("gateway-worker").start(this::run);
        flusher = Thread.ofVirtual().name("gateway-worker-done").start(this::flushFinished);
    }

    /** Records finished jobs as done, many at a time, every few milliseconds. */
    private void flushFinished() {
        while (running) {
            try {
                Thread.sleep(FLUSH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            flush();
        }
    }

    private void flush() {
        var ids = new java.util.ArrayList<UUID>();
        for (UUID id; (id = finished.poll()) != null; ) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            jobs.done(ids);
        } catch (RuntimeException e) {
            log.warn("Recording {} finished gateway jobs failed; they run again after their lease and are skipped: {}",
                    ids.size(), e.toString());
        }
    }

    private void run() {
        while (running) {
            boolean full = false;
            try {
                // claim a whole batch at a time, while at most one batch waits here: claims stay few and large
                int wanted = settings.batchSize();
                if (!paused && inFlight.get() <= settings.batchSize()) {
                    var claimed = jobs.claim(node, wanted, settings.lease());
                    inFlight.addAndGet(claimed.size());
                    dispatch(claimed);
                    full = claimed.size() == wanted;
                }
            } catch (RuntimeException e) {
                log.warn("Claiming gateway work failed; trying again shortly: {}", e.toString());
            }
            if (full && inFlight.get() <= settings.batchSize()) {
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

    private void dispatch(List<Jobs.Claimed> claimed) {
        for (var job : claimed) {
            var lane = job.account() + ":" + (job.orderingKey() == null ? job.id().toString() : job.orderingKey());
            boolean open;
            synchronized (lanes) {
                var queue = lanes.get(lane);
                open = queue == null;
                if (open) {
                    queue = new ArrayDeque<>();
                    lanes.put(lane, queue);
                }
                queue.add(job);
            }
            var pool = executor;
            if (open && pool != null) {
                pool.execute(() -> drain(lane));
            }
        }
    }

    /** Works through one lane's jobs in order, once one of the {@code concurrency} slots is free. */
    private void drain(String lane) {
        try {
            lanesFree.acquire();
        } catch (InterruptedException e) {
            return; // stopping: the lane's jobs come due again after their lease
        }
        try {
            while (true) {
                Jobs.Claimed job;
                synchronized (lanes) {
                    var queue = lanes.get(lane);
                    job = queue == null ? null : queue.poll();
                    if (job == null) {
                        lanes.remove(lane);
                        return;
                    }
                }
                try {
                    process(job);
                } finally {
                    if (inFlight.decrementAndGet() <= settings.batchSize()) {
                        wake();
                    }
                }
            }
        } finally {
            lanesFree.release();
        }
    }

    /** Runs one job in its account's scope and records the outcome; never throws. */
    void process(Jobs.Claimed job) {
        try {
            Tenancy.runAs(job.account(), () -> {
                try {
                    handlers.handle(job);
                    finished.add(job.id());
                } catch (RuntimeException failure) {
                    settle(job, failure);
                }
            });
        } catch (RuntimeException e) {
            log.warn("Recording the outcome of gateway job {} failed; it comes due again after its lease: {}",
                    job.id(), e.toString());
        }
    }

    private void settle(Jobs.Claimed job, RuntimeException failure) {
        switch (failure) {
            case JobFailure.NotYet notYet -> jobs.postpone(job, notYet.at());
            case JobFailure.GiveUp giveUp -> bury(job, giveUp.getMessage());
            case JobFailure.RetryLater retry -> again(job, retry.getMessage(), retry.after());
            case ProviderUnavailable unavailable -> again(job, unavailable.getMessage(),
                    unavailable.retryAfter().orElse(null));
            case ChatwootUnavailable unavailable -> again(job, unavailable.getMessage(), null);
            case ChatwootRejected _, ChatwootRequestInvalid _, ProviderRejected _, CredentialDecryptionException _ ->
                    bury(job, failure.getMessage());
            default -> {
                if (running) {
                    log.error("Gateway job {} ({}) failed unexpectedly", job.id(), job.kind().key(), failure);
                } else {
                    log.info("Gateway job {} ({}) was interrupted by the shutdown", job.id(), job.kind().key());
                }
                again(job, "unexpected error: " + failure.getClass().getSimpleName(), null);
            }
        }
    }

    private void again(Jobs.Claimed job, @Nullable String error, @Nullable Duration notBefore) {
        var reason = error == null ? "failed" : error;
        if (job.attempts() >= settings.maxAttempts()) {
            bury(job, "gave up after " + job.attempts() + " attempts: " + reason);
            return;
        }
        var delay = backoff(job.attempts());
        if (notBefore != null && notBefore.compareTo(delay) > 0) {
            delay = notBefore;
        }
        log.debug("Gateway job {} ({}) attempt {} failed, again in {}: {}", job.id(), job.kind().key(),
                job.attempts(), delay, reason);
        jobs.retry(job, delay, reason);
    }

    private void bury(Jobs.Claimed job, @Nullable String error) {
        var reason = error == null ? "failed" : error;
        log.warn("Gateway job {} ({}) is a dead letter: {}", job.id(), job.kind().key(), reason);
        jobs.dead(job, reason);
        handlers.buried(job, reason);
    }

    /** base × 2^(attempt − 1), capped, then between half and all of it at random. */
    Duration backoff(int attempt) {
        long base = settings.backoffBase().toMillis();
        long cap = settings.backoffCap().toMillis();
        long exponential = attempt >= 31 ? cap : Math.min(cap, base * (1L << Math.max(0, attempt - 1)));
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        return Duration.ofMillis(Math.max(1, jittered));
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
                if (!pool.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.info("Stopping with gateway jobs still running; they come due again after their lease");
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        var doneFlusher = flusher;
        if (doneFlusher != null) {
            doneFlusher.interrupt();
        }
        flush();
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
