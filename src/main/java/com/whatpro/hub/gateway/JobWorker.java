package com.whatpro.hub.gateway;

import com.whatpro.hub.chatwoot.ChatwootRejected;
import com.whatpro.hub.chatwoot.ChatwootRequestInvalid;
import com.whatpro.hub.chatwoot.ChatwootUnavailable;
import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Backoff;
import com.whatpro.hub.platform.Tenancy;
import com.whatpro.hub.platform.crypto.CredentialDecryptionException;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderUnavailable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Works the queue on this node: claims due jobs, runs each in its account's tenant scope on a virtual thread, and
 * records the outcome. A node claims no more jobs than it has free of {@link GatewaySettings.Worker#concurrency()},
 * and no more of one account than {@link GatewaySettings.Worker#accountConcurrency()}; claims share their jobs
 * between the accounts with due work ({@link Jobs#claim}). A contact's jobs (one ordering key) run one after another
 * across the cluster: a job is claimed only once the key's earlier jobs are finished. A heartbeat renews the leases of
 * the jobs the node holds every {@link GatewaySettings.Worker#heartbeat()}, so a lease lasts as long as the work; a
 * node that dies stops renewing, and its jobs come due again within one lease. A failure is retried with exponential
 * backoff and jitter; after {@link GatewaySettings.Worker#maxAttempts()} attempts, or at once when retrying cannot
 * help, the job becomes a dead letter.
 */
@Component
class JobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
    /** How long a worker that just finished a job waits for others to finish too, to claim for them together. */
    private static final long GATHER_MILLIS = 5;

    private final Jobs jobs;
    private final JobHandlers handlers;
    private final QueueMetrics metrics;
    private final JobTraces traces;
    private final GatewaySettings.Worker settings;
    private final String node;
    private final Semaphore wake = new Semaphore(0);
    private final Object claiming = new Object();
    /** Jobs this node holds a claim on: running, or finished and not yet recorded. */
    private final Map<UUID, Jobs.Claimed> held = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Jobs.Claimed> finished = new ConcurrentLinkedQueue<>();
    private volatile long lastAccountServed;
    private volatile boolean running;
    private volatile boolean paused;
    private volatile boolean crashed;
    private volatile @Nullable Thread loop;
    private volatile @Nullable Thread heartbeat;
    private volatile @Nullable ExecutorService executor;

    JobWorker(Jobs jobs, JobHandlers handlers, Wakeups wakeups, GatewaySettings settings, QueueMetrics metrics,
            JobTraces traces) {
        this.jobs = jobs;
        this.handlers = handlers;
        this.metrics = metrics;
        this.traces = traces;
        this.settings = settings.worker();
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

    /**
     * Stops claiming new work (for tests that need another node to take it); running jobs go on. Returns once a claim
     * under way has finished, so no claim follows.
     */
    void pause() {
        paused = true;
        synchronized (claiming) {
            log.debug("Gateway worker paused");
        }
    }

    void resume() {
        paused = false;
        wake();
    }

    /**
     * Dies as a killed process would (for tests): stops claiming and renewing at once, interrupts its jobs and records
     * nothing more, so its claims stay in the database until their leases run out.
     */
    void crash() {
        crashed = true;
        running = false;
        interrupt(loop);
        interrupt(heartbeat);
        var pool = executor;
        if (pool != null) {
            pool.shutdownNow();
        }
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
        heartbeat = Thread.ofVirtual().name("gateway-worker-heartbeat").start(this::renewLeases);
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                record();
                synchronized (claiming) {
                    int free = settings.concurrency() - held.size();
                    if (!paused && free > 0) {
                        int wanted = Math.min(free, settings.batchSize());
                        var claimed = claim(wanted);
                        claimed.forEach(this::start);
                        more = claimed.size() == wanted && held.size() < settings.concurrency();
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Claiming gateway work failed; trying again shortly: {}", e.toString());
            }
            if (more) {
                continue;
            }
            try {
                wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (!held.isEmpty()) {
                    Thread.sleep(GATHER_MILLIS);
                }
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<Jobs.Claimed> claim(int wanted) {
        var busy = new HashMap<AccountId, Integer>();
        held.values().forEach(job -> busy.merge(job.account(), 1, Integer::sum));
        var claimed = jobs.claim(node, wanted, settings.lease(), settings.accountConcurrency(), busy,
                lastAccountServed);
        // round robin: the next claim starts after the last account this one reached
        claimed.stream().mapToLong(job -> job.account().value()).max().ifPresent(last -> lastAccountServed = last);
        metrics.claimed(claimed);
        claimed.stream().filter(Jobs.Claimed::stolen).forEach(job -> log.info(
                "Gateway job {} ({}) was claimed again after its previous holder's lease ran out", job.id(),
                job.kind().key()));
        return claimed;
    }

    private void start(Jobs.Claimed job) {
        held.put(job.id(), job);
        var pool = executor;
        if (pool == null) {
            return;
        }
        pool.execute(() -> {
            try {
                process(job);
            } finally {
                wake();
            }
        });
    }

    /** Records finished jobs as done, many at a time, while this node still holds their claims. */
    private void record() {
        var done = new ArrayList<Jobs.Claimed>();
        for (Jobs.Claimed job; (job = finished.poll()) != null; ) {
            done.add(job);
        }
        if (done.isEmpty()) {
            return;
        }
        try {
            jobs.done(done);
        } catch (RuntimeException e) {
            log.warn("Recording {} finished gateway jobs failed; they run again after their lease and are skipped: {}",
                    done.size(), e.toString());
        }
        done.forEach(job -> held.remove(job.id()));
    }

    /** The heartbeat: keeps the leases of every job this node holds one lease ahead. */
    private void renewLeases() {
        while (running) {
            try {
                Thread.sleep(settings.heartbeat().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            var holding = List.copyOf(held.values());
            try {
                var renewed = jobs.renew(holding, settings.lease());
                metrics.renewed(renewed.size());
                holding.stream().filter(job -> !renewed.contains(job.id()) && held.containsKey(job.id()))
                        .forEach(job -> log.warn("Gateway job {} ({}) lost its lease; another node may run it",
                                job.id(), job.kind().key()));
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("Renewing the leases of {} gateway jobs failed; trying again in {}: {}", holding.size(),
                            settings.heartbeat(), e.toString());
                }
            }
        }
    }

    /** Runs one job in its account's scope and records the outcome; never throws. */
    void process(Jobs.Claimed job) {
        boolean succeeded = false;
        try {
            succeeded = traces.inJob(job, () -> Tenancy.callAs(job.account(), () -> {
                try {
                    handlers.handle(job);
                    log.debug("Gateway job {} ({}) attempt {} done", job.id(), job.kind().key(), job.attempts());
                    return true;
                } catch (RuntimeException failure) {
                    if (!crashed) {
                        settle(job, failure);
                    }
                    return false;
                }
            }));
        } catch (RuntimeException e) {
            log.warn("Recording the outcome of gateway job {} failed; it comes due again after its lease: {}",
                    job.id(), e.toString());
        }
        if (succeeded && !crashed) {
            finished.add(job); // recorded as done with others, and only then given up
        } else {
            held.remove(job.id());
        }
    }

    private void settle(Jobs.Claimed job, RuntimeException failure) {
        switch (failure) {
            case JobFailure.LeaseLost lost -> log.info("Gateway job {} ({}) stopped: {}", job.id(), job.kind().key(),
                    lost.getMessage());
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
        metrics.retried(job);
        jobs.retry(job, delay, reason);
    }

    private void bury(Jobs.Claimed job, @Nullable String error) {
        var reason = error == null ? "failed" : error;
        log.warn("Gateway job {} ({}) is a dead letter: {}", job.id(), job.kind().key(), reason);
        if (jobs.dead(job, reason)) {
            metrics.buried(job);
            handlers.buried(job, reason);
        }
    }

    Duration backoff(int attempt) {
        return Backoff.jittered(settings.backoffBase(), settings.backoffCap(), attempt);
    }

    @Override
    public void stop() {
        if (crashed) {
            return;
        }
        running = false;
        wake();
        join(loop);
        interrupt(heartbeat);
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
        record();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void join(@Nullable Thread thread) {
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void interrupt(@Nullable Thread thread) {
        if (thread != null) {
            thread.interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }
}
