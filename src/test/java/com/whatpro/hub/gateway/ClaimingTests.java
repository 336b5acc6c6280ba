package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.platform.AccountId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Which due jobs a claim takes, read straight from the claim: a contact's later jobs wait behind its earlier pending
 * one, a blocked contact at the head of an account's queue does not hide the contacts behind it, and each account
 * gets no more than its room, however deep its backlog. And what a node does with the jobs it holds: the heartbeat
 * and the recording of finished jobs, running at once over the same jobs, both get through.
 */
class ClaimingTests extends IntegrationTest {

    static final String NODE = "claiming-tests";

    @Autowired
    Jobs jobs;

    @Autowired
    JobWorker worker;

    long busy;
    long quiet;

    @BeforeEach
    void setUp() {
        worker.pause();
        var fixtures = new Fixtures(http());
        busy = fixtures.tenant("Claims busy").id();
        quiet = fixtures.tenant("Claims quiet").id();
    }

    @AfterEach
    void release() {
        // whatever else this test's claims took (other tests' due work) comes due again, untouched
        Gateway.sql("update gateway_jobs set claim_token = null, claimed_by = null, next_attempt_at = now(),"
                + " attempts = attempts - 1 where claimed_by = '" + NODE + "' and account_id not in (" + busy + ", "
                + quiet + ")");
        Gateway.sql("delete from gateway_jobs where account_id in (" + busy + ", " + quiet + ")");
        worker.resume();
    }

    @Test
    void aContactsLaterJobsWaitBehindItsPendingOneWithoutHidingTheContactsBehindIt() {
        // contact A's first job is held by another node (pending, not due); B's two, one without order and C's are due
        job(busy, 1, "a", "now() + interval '1 minute'");
        job(busy, 2, "a", "now() - interval '10 seconds'");
        job(busy, 3, "a", "now() - interval '10 seconds'");
        job(busy, 4, "b", "now() - interval '9 seconds'");
        job(busy, 5, "b", "now() - interval '9 seconds'");
        job(busy, 6, null, "now() - interval '8 seconds'");
        job(busy, 7, "c", "now() - interval '7 seconds'");

        var claimed = claimedMarks(jobs.claim(NODE, 50, Duration.ofSeconds(20), 8, Map.of(), 0), busy);

        assertThat(claimed).as("A waits for its held job, B's second for its first")
                .containsExactly("busy-4", "busy-6", "busy-7");
    }

    @Test
    void aDeepBacklogGetsNoMoreThanItsRoomAndTheOtherAccountStillGetsItsJob() {
        Gateway.sql("insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, next_attempt_at)"
                + " select gen_random_uuid(), " + busy + ", 'connection', 'busy-' || i, 'contact-' || i, '{}',"
                + " now() - interval '1 minute' + i * interval '1 millisecond' from generate_series(1, 3000) i");
        job(quiet, 1, "q", "now()");

        var claimed = jobs.claim(NODE, 50, Duration.ofSeconds(20), 8, Map.of(), 0);

        assertThat(claimedMarks(claimed, busy)).as("the earliest eight of the backlog, in order")
                .containsExactly("busy-1", "busy-2", "busy-3", "busy-4", "busy-5", "busy-6", "busy-7", "busy-8");
        assertThat(claimedMarks(claimed, quiet)).containsExactly("quiet-1");
        assertThat(claimedMarks(jobs.claim(NODE, 50, Duration.ofSeconds(20), 8, Map.of(
                AccountId.of(busy), 5), 0), busy))
                .as("with five in flight on the node, three more").containsExactly("busy-9", "busy-10", "busy-11");
    }

    @Test
    void theHeartbeatAndTheRecordingOfFinishedJobsNeverDeadlockOverTheSameJobs() throws Exception {
        for (int round = 0; round < 5; round++) {
            Gateway.sql("insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload)"
                    + " select gen_random_uuid(), " + busy + ", 'connection', 'round-" + round + "-' || i, 'c-' || i,"
                    + " '{}' from generate_series(1, 300) i");
            var held = jobs.claim(NODE, 300, Duration.ofSeconds(20), 300, Map.of(), 0).stream()
                    .filter(job -> job.account().value() == busy).toList();
            assertThat(held).hasSize(300);
            var finished = new ArrayList<>(held).reversed();
            try (var both = Executors.newVirtualThreadPerTaskExecutor()) {
                var start = new CountDownLatch(1);
                var renewing = both.submit(() -> {
                    start.await();
                    return jobs.renew(held, Duration.ofSeconds(20));
                });
                var recording = both.submit(() -> {
                    start.await();
                    jobs.done(finished);
                    return null;
                });
                start.countDown();
                renewing.get(30, TimeUnit.SECONDS);
                recording.get(30, TimeUnit.SECONDS);
            }
            assertThat(Gateway.query("select count(*) from gateway_jobs where account_id = " + busy
                    + " and dedup_key like 'round-" + round + "-%' and status = 'done'")).isEqualTo("300");
        }
    }

    private void job(long account, int mark, String orderingKey, String due) {
        var name = (account == busy ? "busy-" : "quiet-") + mark;
        Gateway.sql("insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, next_attempt_at)"
                + " values (gen_random_uuid(), " + account + ", 'connection', '" + name + "', "
                + (orderingKey == null ? "null" : "'" + orderingKey + "'") + ", '{}', " + due + ")");
    }

    /** The claimed jobs of {@code account}, by the dedup key they were given, in the claim's order. */
    private static List<String> claimedMarks(List<Jobs.Claimed> claimed, long account) {
        return claimed.stream().filter(job -> job.account().value() == account)
                .map(job -> Gateway.query("select dedup_key from gateway_jobs where id = '" + job.id() + "'"))
                .toList();
    }
}
