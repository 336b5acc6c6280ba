package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.SecondNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Work a node took and did not finish is not lost: when the node dies, its claims run out and another node finishes
 * the work, and a message the dead node had already posted to Chatwoot is not posted twice.
 */
class WorkerCrashTests extends GatewayTest {

    static final long INBOX = 81;

    @Autowired
    JobWorker worker;

    Gateway.Provider provider;

    WorkerCrashTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    @AfterEach
    void resume() {
        worker.resume();
    }

    @Test
    void workClaimedByANodeThatDiedComesDueAgainWhenItsLeaseRunsOut() {
        worker.pause();
        var messageId = "3EB0LS" + InboundBridgeTests.suffix();
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), messageId,
                "5511955550009@s.whatsapp.net", "Nina", "still there?", false), Map.of());
        // a node claimed it for a lease of two seconds, then died
        Gateway.sql("update gateway_jobs set claimed_by = 'dead-node', claim_token = gen_random_uuid(), attempts = 1,"
                + " next_attempt_at = now() + interval '2 seconds' where dedup_key like '%:message:" + messageId + "'");
        var leaseEnd = Long.parseLong(Gateway.query("select floor(extract(epoch from next_attempt_at) * 1000)::bigint"
                + " from gateway_jobs where dedup_key like '%:message:" + messageId + "'"));

        worker.resume();
        Eventually.until("the job is done, on its second attempt", () -> Gateway.query(
                "select attempts || ' ' || status from gateway_jobs where dedup_key like '%:message:" + messageId + "'")
                .equals("2 done"));
        assertThat(chatwoot.messages(chatwootAccount)).hasSize(1);
        var posted = chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                        && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                .mapToLong(event -> event.getRequest().getLoggedDate().getTime()).min().orElseThrow();
        assertThat(posted).as("posted only once the lease ran out").isGreaterThanOrEqualTo(leaseEnd);
    }

    @Test
    void aNodeKilledInTheMiddleOfABatchLosesNothingAndDuplicatesNothing() {
        worker.pause();
        var slowPosts = chatwoot.slow(chatwootAccount, "POST", "conversations/\\d+/messages", 1500);
        var sourceIds = new ArrayList<String>();
        try (var other = SecondNode.start("--whatpro.gateway.worker.lease=3s", "--whatpro.gateway.worker.heartbeat=1s",
                "--whatpro.gateway.worker.shutdown-grace=0s")) {
            var otherNode = other.bean(JobWorker.class).node();
            for (int contact = 1; contact <= 3; contact++) {
                for (int message = 1; message <= 2; message++) {
                    var id = "3EB0K" + contact + message + InboundBridgeTests.suffix();
                    sourceIds.add("whatpro:wa:" + id);
                    var response = Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                            id, "55119444400" + contact + "0@s.whatsapp.net", "Contact " + contact,
                            "message " + message, false), Map.of());
                    assertThat(response.status()).isEqualTo(200);
                }
            }
            Eventually.until("the other node has claimed the work and is posting it", () ->
                    claimedBy(otherNode) > 0 && postsReceived() > 0);
            assertThat(chatwoot.messages(chatwootAccount).size()).as("some work is unfinished").isLessThan(6);
        } // the other node stops, abandoning what it holds
        chatwoot.remove(slowPosts);

        worker.resume();

        Eventually.until("every job of the account is done", () -> Gateway.query("select count(*) from gateway_jobs"
                + " where account_id = " + tenant.id() + " and status <> 'done'").equals("0"));
        var posted = chatwoot.messages(chatwootAccount).stream()
                .collect(Collectors.groupingBy(FakeChatwoot.Message::sourceId, Collectors.counting()));
        assertThat(posted.keySet()).containsExactlyInAnyOrderElementsOf(sourceIds);
        assertThat(posted.values()).as("each message once").containsOnly(1L);
        assertThat(chatwoot.conversations(chatwootAccount)).hasSize(3);
    }

    long postsReceived() {
        return chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                        && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                .count();
    }

    long claimedBy(String node) {
        return Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id = " + tenant.id()
                + " and claimed_by = '" + node + "'"));
    }
}
