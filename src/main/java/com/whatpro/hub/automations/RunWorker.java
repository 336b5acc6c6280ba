package com.whatpro.hub.automations;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The node's automation worker: turns the events rules were triggered by into runs, claims due runs of every
 * account and works each account's runs one after another, several accounts at once, and every scan interval looks
 * for time-based triggers. Any number of nodes run it side by side; claims, leases and the firing records keep each
 * run on one node and each time-based trigger firing once.
 */
@Component
@EnableConfigurationProperties(AutomationSettings.class)
class RunWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);
    private static final int BATCH = 10;
    private static final int EVENTS_BATCH = 100;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Runs runs;
    private final Execution execution;
    private final TimedTriggers timed;
    private final AutomationSettings settings;
    private final TransactionTemplate transactions;
    private final Semaphore wakeups = new Semaphore(0);
    private final String node = ManagementFactory.getRuntimeMXBean().getName() + "/" + java.util.UUID.randomUUID();
    private volatile boolean running;
    private volatile boolean paused;
    private volatile Thread thread;
    private final Map<AccountId, Thread> lanes = new ConcurrentHashMap<>();
    private Instant nextScan = Instant.EPOCH;

    RunWorker(Runs runs, Execution execution, TimedTriggers timed, AutomationSettings settings,
            PlatformTransactionManager transactionManager) {
        this.runs = runs;
        this.execution = execution;
        this.timed = timed;
        this.settings = settings;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    void wake() {
        if (wakeups.availablePermits() == 0) { // one waiting permit is enough, however many events woke it
            wakeups.release();
        }
    }

    /** Tests: this node stops taking work (as if it had none of the worker's role) until resumed. */
    void pause(boolean pause) {
        paused = pause;
        wake();
    }

    @Override
    public void start() {
        if (!settings.worker()) {
            return;
        }
        running = true;
        execution.resume();
        thread = Thread.ofPlatform().daemon().name("automations-worker").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        wake();
        var deadline = System.nanoTime() + STOP_GRACE.toNanos(); // the runs in hand finish; the rest are handed back
        var current = thread;
        if (current != null) {
            awaitThenInterrupt(current, deadline); // it starts no lane after this
        }
        List.copyOf(lanes.values()).forEach(lane -> awaitThenInterrupt(lane, deadline));
        execution.stop();
    }

    private static void awaitThenInterrupt(Thread worker, long deadline) {
        try {
            worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            try {
                var worked = paused ? 0 : once();
                if (worked == 0) {
                    wakeups.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("automation worker: {}", e.toString());
                sleep();
            }
        }
    }

    private int once() {
        if (Instant.now().isAfter(nextScan)) {
            nextScan = Instant.now().plus(settings.scanInterval());
            timed.scan();
        }
        var free = settings.concurrency() - lanes.size();
        var working = Set.copyOf(lanes.keySet());
        var taken = Objects.requireNonNull(Tenancy.callAsPlatform(() -> transactions.execute(status ->
                new Taken(runs.expand(EVENTS_BATCH),
                        free > 0 ? runs.claim(node, BATCH, settings.lease(), free, working) : List.of()))));
        var byAccount = taken.runs().stream()
                .collect(Collectors.groupingBy(Runs.Run::account, LinkedHashMap::new, Collectors.toList()));
        byAccount.forEach((account, claimed) -> {
            var lane = Thread.ofVirtual().name("automations-" + account.value()).unstarted(() -> work(claimed));
            lanes.put(account, lane);
            lane.start();
        });
        return taken.events() + taken.runs().size();
    }

    /** One account's claimed runs, in their order; the account is free for another claim once they are done. */
    private void work(List<Runs.Run> claimed) {
        try {
            for (int i = 0; i < claimed.size(); i++) {
                var run = claimed.get(i);
                if (!running || paused) {
                    var unstarted = claimed.subList(i, claimed.size());
                    Tenancy.callAsPlatform(() -> transactions.execute(status -> {
                        runs.release(unstarted);
                        return null;
                    }));
                    return;
                }
                try {
                    execution.run(run);
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("automation run {} stopped: {}", run.id(), e.toString());
                    execution.stoppedUnexpectedly(run, e);
                }
            }
        } catch (RuntimeException e) {
            log.warn("automation runs of account {}: {}", claimed.getFirst().account().value(), e.toString());
        } finally {
            lanes.remove(claimed.getFirst().account());
            wake();
        }
    }

    /** What one look at the queue took: events turned into runs, and the runs claimed. */
    private record Taken(int events, List<Runs.Run> runs) {
    }

    private void sleep() {
        try {
            Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
