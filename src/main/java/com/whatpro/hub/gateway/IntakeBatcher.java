package com.whatpro.hub.gateway;

import com.whatpro.hub.platform.AccountId;
import com.whatpro.hub.platform.Tenancy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for webhook intake: webhooks arriving together are stored in one transaction per account (one
 * statement, one commit) instead of one each, and every request is answered only once its own transaction has
 * committed. Under light load a batch is a single webhook, so nothing waits; under heavy load batches grow by
 * themselves while the previous commit is under way, which is what keeps intake fast and durable.
 */
@Component
class IntakeBatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IntakeBatcher.class);
    private static final int WRITERS = 4;
    private static final int MAX_BATCH = 200;

    private final Jobs jobs;
    private final TransactionTemplate transactions;
    private final JobTraces traces;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;

    IntakeBatcher(Jobs jobs, PlatformTransactionManager transactions, JobTraces traces) {
        this.jobs = jobs;
        this.traces = traces;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** @param traceparent the trace of the request that brought the work (its jobs continue it) */
    private record Pending(AccountId account, List<Jobs.NewJob> work, @Nullable String traceparent,
            CompletableFuture<Integer> stored) {
    }

    /**
     * Stores the work durably; returns how many of the jobs were new (the rest were duplicates).
     *
     * @throws RuntimeException what storing failed with; nothing of this work is stored then
     */
    int store(AccountId account, List<Jobs.NewJob> work) {
        if (!running) {
            return write(account, work);
        }
        var pending = new Pending(account, work, traces.current(), new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.stored().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a webhook", e);
        }
    }

    private int write(AccountId account, List<Jobs.NewJob> work) {
        var added = Tenancy.callAs(account, () -> transactions.execute(status -> jobs.enqueue(account, work)));
        int count = 0;
        for (var one : added) {
            count += one ? 1 : 0;
        }
        return count;
    }

    private void writeBatches() {
        var batch = new ArrayList<Pending>();
        while (running || !queue.isEmpty()) {
            try {
                var first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                var byAccount = new LinkedHashMap<AccountId, List<Pending>>();
                batch.forEach(pending -> byAccount.computeIfAbsent(pending.account(), key -> new ArrayList<>())
                        .add(pending));
                byAccount.forEach(this::writeTogether);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                batch.stream().filter(pending -> !pending.stored().isDone()).forEach(pending -> pending.stored()
                        .completeExceptionally(new IllegalStateException("the webhook was not stored")));
                batch.clear();
            }
        }
    }

    /** One transaction for the account's pending webhooks; each learns how many of its own jobs were new. */
    private void writeTogether(AccountId account, List<Pending> pendings) {
        var work = new ArrayList<Jobs.NewJob>();
        var traceparents = new ArrayList<@Nullable String>();
        pendings.forEach(pending -> {
            work.addAll(pending.work());
            pending.work().forEach(job -> traceparents.add(pending.traceparent()));
        });
        try {
            var added = Tenancy.callAs(account, () -> transactions.execute(status -> jobs.enqueue(account, work,
                    traceparents.toArray(String[]::new))));
            int index = 0;
            for (var pending : pendings) {
                int stored = 0;
                for (int i = 0; i < pending.work().size(); i++) {
                    stored += added[index++] ? 1 : 0;
                }
                pending.stored().complete(stored);
            }
        } catch (RuntimeException e) {
            log.debug("Storing {} webhooks failed: {}", pendings.size(), e.toString());
            pendings.forEach(pending -> pending.stored().completeExceptionally(e));
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofVirtual().name("gateway-intake-" + i).start(this::writeBatches));
        }
    }

    /** Stops after storing what is queued; requests arriving later store their own. */
    @Override
    public void stop() {
        running = false;
        for (var writer : writers) {
            try {
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which stops taking requests first) and before the workers. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
