package com.whatpro.hub.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The queue's Prometheus metrics, none with an account label (their number must not grow with tenants): jobs by
 * state and kind and the oldest unfinished job's age, read in one grouped query at most every
 * {@value #SNAPSHOT_MILLIS} ms however often they are scraped; and counters of claims, lease renewals, lease steals
 * (a job claimed again after its holder's lease ran out), retries and dead letters, by kind where a job is at hand;
 * and of webhook events taken in but dropped, by why.
 */
@Component
class QueueMetrics {

    static final List<String> STATES = List.of("pending", "running", "dead");
    private static final long SNAPSHOT_MILLIS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    private final Jobs jobs;
    private final Map<JobKind, Counter> claims = new EnumMap<>(JobKind.class);
    private final Map<JobKind, Counter> steals = new EnumMap<>(JobKind.class);
    private final Map<JobKind, Counter> retries = new EnumMap<>(JobKind.class);
    private final Map<JobKind, Counter> deadLetters = new EnumMap<>(JobKind.class);
    private final Counter renewals;
    private final Counter unaddressed;
    private volatile @Nullable Snapshot snapshot;

    private record Snapshot(List<Jobs.Count> counts, long takenAt) {
    }

    QueueMetrics(MeterRegistry registry, Jobs jobs) {
        this.jobs = jobs;
        for (var kind : JobKind.values()) {
            claims.put(kind, counter(registry, "whatpro.gateway.claims", "Jobs claimed by a worker", kind));
            steals.put(kind, counter(registry, "whatpro.gateway.lease.steals",
                    "Jobs claimed again after their holder's lease ran out (a node died or stalled)", kind));
            retries.put(kind, counter(registry, "whatpro.gateway.retries", "Failed attempts that will be retried",
                    kind));
            deadLetters.put(kind, counter(registry, "whatpro.gateway.dead.letters", "Jobs that became dead letters",
                    kind));
            for (var state : STATES) {
                Gauge.builder("whatpro.gateway.jobs", () -> count(kind, state))
                        .description("Unfinished jobs (pending, running) and dead letters in the queue")
                        .tag("kind", kind.key()).tag("state", state).register(registry);
            }
        }
        renewals = Counter.builder("whatpro.gateway.lease.renewals").description("Leases renewed by heartbeats")
                .register(registry);
        unaddressed = Counter.builder("whatpro.gateway.webhook.events.dropped")
                .description("Webhook events taken in but not stored, by why")
                .tag("reason", "unknown_number").register(registry);
        Gauge.builder("whatpro.gateway.oldest.pending", this::oldestPendingSeconds)
                .description("Age of the oldest unfinished job (pending or running), 0 when none")
                .baseUnit("seconds").register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description, JobKind kind) {
        return Counter.builder(name).description(description).tag("kind", kind.key()).register(registry);
    }

    void claimed(List<Jobs.Claimed> claimed) {
        for (var job : claimed) {
            claims.get(job.kind()).increment();
            if (job.stolen()) {
                steals.get(job.kind()).increment();
            }
        }
    }

    void renewed(int leases) {
        renewals.increment(leases);
    }

    void retried(Jobs.Claimed job) {
        retries.get(job.kind()).increment();
    }

    /** Events of a Cloud API webhook for a phone number id that no number of the account has. */
    void droppedForUnknownNumber(int events) {
        unaddressed.increment(events);
    }

    void buried(Jobs.Claimed job) {
        deadLetters.get(job.kind()).increment();
    }

    private double count(JobKind kind, String state) {
        return counts().stream().filter(count -> count.kind() == kind && count.state().equals(state))
                .mapToLong(Jobs.Count::jobs).sum();
    }

    private double oldestPendingSeconds() {
        return counts().stream().filter(count -> !count.state().equals("dead"))
                .mapToDouble(Jobs.Count::oldestSeconds).max().orElse(0);
    }

    /** The latest grouped read of the queue, taken again once it is older than {@value #SNAPSHOT_MILLIS} ms. */
    private List<Jobs.Count> counts() {
        var current = snapshot;
        if (fresh(current)) {
            return current.counts();
        }
        synchronized (this) {
            if (fresh(snapshot)) {
                return snapshot.counts();
            }
            List<Jobs.Count> counts;
            try {
                counts = jobs.counts();
            } catch (RuntimeException e) {
                log.warn("Reading the queue's size for metrics failed: {}", e.toString());
                counts = snapshot == null ? List.of() : snapshot.counts();
            }
            snapshot = new Snapshot(counts, System.nanoTime());
            return counts;
        }
    }

    private static boolean fresh(@Nullable Snapshot snapshot) {
        return snapshot != null && System.nanoTime() - snapshot.takenAt() < SNAPSHOT_MILLIS * 1_000_000;
    }

    /** Forgets the snapshot, so that the next scrape reads the queue again (for tests). */
    void refresh() {
        snapshot = null;
    }
}
