package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatpro.hub.Fixtures;
import com.whatpro.hub.SecondNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The queue on two nodes sharing the database: a lease lives as long as its work (a heartbeat renews it), a job that
 * does run twice still reaches Chatwoot once, a dead node's work is finished by the other within 30 s, and one
 * account's backlog does not hold up another account's message. This node runs with a short lease (1 s, renewed every
 * 250 ms), so that Chatwoot answers slower than a lease stay within the tests' Chatwoot read timeout (2 s).
 */
class QueueLeaseTests extends GatewayTest {

    @DynamicPropertySource
    static void shortLease(DynamicPropertyRegistry registry) {
        registry.add("whatpro.gateway.worker.lease", () -> "1s");
        registry.add("whatpro.gateway.worker.heartbeat", () -> "250ms");
    }

    static final long INBOX = 91;
    static final String SHORT_LEASE = "--whatpro.gateway.worker.lease=1s";
    static final String FAST_HEARTBEAT = "--whatpro.gateway.worker.heartbeat=250ms";

    @Autowired
    JobWorker worker;

    List<com.github.tomakehurst.wiremock.stubbing.StubMapping> stubs = new ArrayList<>();
    Gateway.Provider provider;

    QueueLeaseTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    @AfterEach
    void cleanUp() {
        stubs.forEach(chatwoot::remove);
        worker.resume();
    }

    @Test
    void aChatwootSlowerThanTheLeaseReceivesEachMessageOnce() {
        stubs.add(chatwoot.slow(chatwootAccount, "POST", "conversations/\\d+/messages", 1800));
        List<String> sourceIds;
        try (var other = SecondNode.start(SHORT_LEASE, FAST_HEARTBEAT)) {
            sourceIds = sendMessages(tenant, provider, 3, 2);
            Eventually.until("every job is done", Duration.ofSeconds(90), () -> allDone(tenant.id()));
            assertThat(other.bean(JobWorker.class).node()).isNotEqualTo(worker.node());
        }
        var posts = messagePostsBySourceId(chatwootAccount);
        assertThat(posts.keySet()).containsExactlyInAnyOrderElementsOf(sourceIds);
        assertThat(posts.values()).as("each message posted once, though each post took longer than a lease")
                .containsOnly(1L);
    }

    @Test
    void aMessageWhoseJobIsTakenOverWhileItRunsIsPostedOnce() {
        // the first run is held up finding the contact; meanwhile its claim is taken from it and the job runs again
        stubs.add(chatwoot.slow(chatwootAccount, "GET", "contacts/search", 1500));
        var id = "3EB0ST" + InboundBridgeTests.suffix();
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), id,
                "5511933330001@s.whatsapp.net", "Tess", "taken over", false), Map.of());
        Eventually.until("the first run has recorded the message and is finding the contact", () -> Gateway.query(
                "select count(*) from gateway_messages where provider_message_id = '" + id + "'").equals("1"));
        Gateway.sql("update gateway_jobs set claim_token = null, next_attempt_at = now()"
                + " where dedup_key like '%:message:" + id + "'");
        worker.wake();

        Eventually.until("the job is done", Duration.ofSeconds(30), () -> allDone(tenant.id()));
        assertThat(Gateway.query("select attempts from gateway_jobs where dedup_key like '%:message:" + id + "'"))
                .as("the job ran twice").isEqualTo("2");
        assertThat(messagePostsBySourceId(chatwootAccount)).isEqualTo(Map.of("whatpro:wa:" + id, 1L));
        assertThat(Gateway.query("select chatwoot_message_id is not null from gateway_messages"
                + " where provider_message_id = '" + id + "'")).isEqualTo("t");
    }

    @Test
    void aNodeKilledInTheMiddleOfABatchHasItsWorkFinishedByTheOtherWithin30Seconds() {
        worker.pause();
        stubs.add(chatwoot.slow(chatwootAccount, "POST", "conversations/\\d+/messages", 1500));
        List<String> sourceIds;
        long killedAt;
        try (var other = SecondNode.start()) { // the default lease and heartbeat
            var otherWorker = other.bean(JobWorker.class);
            sourceIds = sendMessages(tenant, provider, 4, 2);
            Eventually.until("the other node holds work and is posting it", () ->
                    claimedBy(otherWorker.node()) > 0 && !chatwoot.messages(chatwootAccount).isEmpty());
            assertThat(allDone(tenant.id())).as("work is unfinished").isFalse();
            otherWorker.crash();
            killedAt = System.nanoTime();
            stubs.forEach(chatwoot::remove);
            worker.resume();
            Eventually.until("this node has finished the dead node's work", Duration.ofSeconds(40),
                    () -> allDone(tenant.id()));
        }
        var recovery = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(recovery).as("every job done within 30 s of the node's death").isLessThan(Duration.ofSeconds(30));
        var posted = chatwoot.messages(chatwootAccount).stream()
                .collect(Collectors.groupingBy(FakeChatwoot.Message::sourceId, Collectors.counting()));
        assertThat(posted.keySet()).containsExactlyInAnyOrderElementsOf(sourceIds);
        assertThat(posted.values()).as("each message once").containsOnly(1L);
    }

    @Test
    void anotherAccountsBacklogOfTenThousandDelaysAMessageByLessThanFiveSeconds() {
        // account A (this test's tenant): 10,000 messages from 100 contacts, and a Chatwoot that takes 200 ms a call
        var template = "3EB0FA" + InboundBridgeTests.suffix();
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), template,
                "5511922220000@s.whatsapp.net", "Flood", "backlog", false), Map.of());
        Gateway.sql("""
                insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload)
                select gen_random_uuid(), account_id, kind, replace(dedup_key, '%1$s', '%1$s' || i),
                       replace(ordering_key, '5511922220000', '55119222' || lpad((i %% 100)::text, 5, '0')),
                       cast(replace(replace(payload::text, '%1$s', '%1$s' || i), '5511922220000',
                                    '55119222' || lpad((i %% 100)::text, 5, '0')) as jsonb)
                from gateway_jobs, generate_series(1, 9999) i where dedup_key like '%%:message:%1$s'
                """.formatted(template));
        stubs.add(chatwoot.slow(chatwootAccount, "GET", ".*", 200));
        stubs.add(chatwoot.slow(chatwootAccount, "POST", ".*", 200));
        // account B: one message, to a Chatwoot of its own
        var other = new Fixtures(http()).tenant("Fair B");
        var otherChatwoot = chatwoot.newAccount();
        Gateway.connectChatwoot(http(), other.admin().token(), other.id(), otherChatwoot, INBOX, null);
        var otherProvider = Gateway.evolution(http(), other.admin().token(), other.id(), null, null);
        try (var secondNode = SecondNode.start(SHORT_LEASE, FAST_HEARTBEAT)) {
            Eventually.until("A's backlog is being worked", Duration.ofSeconds(60), () -> Long.parseLong(
                    Gateway.query("select count(*) from gateway_jobs where account_id = " + tenant.id()
                            + " and status = 'done'")) >= 20);
            var response = Gateway.post(http(), otherProvider.webhookPath(), Gateway.evolutionMessage(
                    otherProvider.key(), "3EB0FB" + InboundBridgeTests.suffix(), "5511922229999@s.whatsapp.net", "Bea",
                    "am I stuck behind them?", false), Map.of());
            var acknowledged = System.currentTimeMillis();
            assertThat(response.status()).isEqualTo(200);
            var post = Eventually.value("B's message reaches Chatwoot", () -> chatwoot.served(otherChatwoot).stream()
                    .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                            && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                    .findFirst(), java.util.Optional::isPresent).orElseThrow();
            var latency = Duration.ofMillis(post.getRequest().getLoggedDate().getTime() - acknowledged);
            System.out.println("B's message behind A's backlog of 10,000: " + latency.toMillis() + " ms");
            var pendingOfA = Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id = "
                    + tenant.id() + " and status = 'pending'"));
            assertThat(pendingOfA).as("A's backlog is still there").isGreaterThan(9_000);
            assertThat(latency).as("B's message, from its webhook's acknowledgement to Chatwoot")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(secondNode.bean(JobWorker.class).node()).isNotEqualTo(worker.node());
        } finally {
            Gateway.sql("delete from gateway_jobs where account_id = " + tenant.id() + " and status = 'pending'");
        }
    }

    List<String> sendMessages(Fixtures.Tenant tenant, Gateway.Provider provider, int contacts, int perContact) {
        var sourceIds = new ArrayList<String>();
        for (int contact = 1; contact <= contacts; contact++) {
            for (int message = 1; message <= perContact; message++) {
                var id = "3EB0L" + contact + message + InboundBridgeTests.suffix();
                sourceIds.add("whatpro:wa:" + id);
                var response = Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                        id, "55119333300" + contact + "0@s.whatsapp.net", "Contact " + contact,
                        "message " + message, false), Map.of());
                assertThat(response.status()).isEqualTo(200);
            }
        }
        return sourceIds;
    }

    /** The message posts that reached the fake, by source id (WireMock's journal: each request once). */
    Map<String, Long> messagePostsBySourceId(long chatwootAccount) {
        return chatwoot.served(chatwootAccount).stream()
                .filter(event -> event.getRequest().getMethod().getName().equals("POST")
                        && URI.create(event.getRequest().getUrl()).getPath().endsWith("/messages"))
                .map(event -> Gateway.JSON.readTree(event.getRequest().getBodyAsString()).path("source_id").asString())
                .collect(Collectors.groupingBy(sourceId -> sourceId, Collectors.counting()));
    }

    static boolean allDone(long account) {
        return Gateway.query("select count(*) from gateway_jobs where account_id = " + account
                + " and status <> 'done'").equals("0");
    }

    long claimedBy(String node) {
        return Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id = " + tenant.id()
                + " and status = 'pending' and claimed_by = '" + node + "'"));
    }
}
