package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.IntegrationTest;
import com.whatpro.hub.SecondNode;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.chatwoot.ChatwootSettings;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Jobs waiting on a tenant's slow Chatwoot hold no database connection, so however many of them are out, the other
 * accounts' API calls and webhooks find the pool free and answer promptly. Measured on a second node with the
 * production's pool (20 connections) and worker lanes (16 per node, 8 per account), and a Chatwoot read timeout long
 * enough to wait for answers that take 3 s; this node's worker is paused, so the second node does all the work. The
 * contacts already have their conversations in Chatwoot (each message takes three calls: find the contact, list its
 * conversations, post), so that no Kanban cards are made meanwhile: cards for many conversations opened at the same
 * moment queue on their board, which is no Chatwoot wait and not what is measured here.
 */
class SlowChatwootTests extends IntegrationTest {

    static final long INBOX = 77;
    static final int CHATWOOT_DELAY_MS = 3_000;
    /** Contacts per slow account, one message each: as many as an account's lanes on the node. */
    static final int CONTACTS = 8;
    static final Duration PROMPT = Duration.ofSeconds(2);

    @Autowired
    JobWorker worker;

    FakeChatwoot chatwoot = FakeChatwoot.get();
    List<StubMapping> stubs = new ArrayList<>();
    List<Long> chatwootAccounts = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        worker.resume();
        stubs.forEach(chatwoot::remove);
        chatwootAccounts.forEach(chatwoot::assertEveryRequestConforms);
    }

    private record SlowAccount(Fixtures.Tenant tenant, long chatwootAccount, Gateway.Provider number) {
    }

    private record Probe(String name, Supplier<TestHttp.Response> request) {
    }

    @Test
    void jobsWaitingOnSlowChatwootsHoldNoDatabaseConnectionsAndOtherAccountsStayPrompt() throws Exception {
        worker.pause();
        try (var node = SecondNode.start("--whatpro.database.pool-size=20",
                "--whatpro.gateway.worker.concurrency=16", "--whatpro.gateway.worker.account-concurrency=8",
                "--whatpro.chatwoot.read-timeout=10s")) {
            onANodeWithTheProductionsPool(node);
        }
    }

    private void onANodeWithTheProductionsPool(SecondNode node) throws Exception {
        var pool = node.bean(DataSource.class).unwrap(HikariDataSource.class);
        assertThat(pool.getMaximumPoolSize()).as("the production's pool").isEqualTo(20);
        assertThat(node.bean(GatewaySettings.class).worker().concurrency()).isEqualTo(16);
        assertThat(node.bean(ChatwootSettings.class).readTimeout()).isEqualTo(Duration.ofSeconds(10));
        var fixtures = new Fixtures(http());
        var slow = List.of(slowAccount(fixtures, "Slow Chatwoot A"), slowAccount(fixtures, "Slow Chatwoot B"));
        var bystander = fixtures.tenant("Bystander");
        var bystanderNumber = Gateway.evolution(http(), bystander.admin().token(), bystander.id(), null, null);
        var admin = node.http().bearer(bystander.admin().token());
        var webhooks = new AtomicInteger();
        var probes = List.of(
                new Probe("another account's API read",
                        () -> admin.get("/api/v1/accounts/" + bystander.id() + "/providers")),
                new Probe("another account's provider webhook", () -> Gateway.post(node.http(),
                        bystanderNumber.webhookPath(), Gateway.evolutionMessage(bystanderNumber.key(),
                                "3EB0BY" + webhooks.incrementAndGet() + InboundBridgeTests.suffix(),
                                "5511955554444@s.whatsapp.net", "Bea", "still prompt?", false), Map.of())));
        // what is measured below is the slow Chatwoots' effect, not a first call's
        probes.forEach(probe -> probe.request().get());

        var sourceIds = new ArrayList<String>();
        for (var account : slow) {
            for (int contact = 1; contact <= CONTACTS; contact++) {
                var id = "3EB0SC" + contact + InboundBridgeTests.suffix();
                sourceIds.add("whatpro:wa:" + id);
                var response = Gateway.post(node.http(), account.number().webhookPath(), Gateway.evolutionMessage(
                        account.number().key(), id, phone(contact).substring(1) + "@s.whatsapp.net",
                        "Contact " + contact, "hello", false), Map.of());
                assertThat(response.status()).isEqualTo(200);
            }
        }
        Eventually.until("every lane of the node works on a slow account's message", () -> running(slow) == 16);

        var late = new ArrayList<String>();
        var slowest = new LinkedHashMap<String, Long>();
        var active = new ArrayList<Integer>();
        var awaiting = new ArrayList<Integer>();
        var rounds = 0;
        try (var sampler = Executors.newSingleThreadScheduledExecutor()) {
            sampler.scheduleAtFixedRate(() -> {
                var bean = pool.getHikariPoolMXBean();
                synchronized (active) {
                    active.add(bean.getActiveConnections());
                    awaiting.add(bean.getThreadsAwaitingConnection());
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            // while every lane still waits on a slow Chatwoot
            var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done(slow) == 0 && late.size() < 10 && System.nanoTime() < deadline) {
                for (var probe : probes) {
                    var started = System.nanoTime();
                    var response = probe.request().get();
                    var took = Duration.ofNanos(System.nanoTime() - started);
                    slowest.merge(probe.name(), took.toMillis(), Math::max);
                    if (response.status() / 100 != 2 || took.compareTo(PROMPT) > 0) {
                        late.add(probe.name() + ": " + response.status() + " after " + took.toMillis() + " ms");
                    }
                }
                rounds++;
            }
            sampler.shutdown();
        }
        List<Integer> sampled;
        long starved;
        synchronized (active) {
            sampled = active.stream().sorted().toList();
            starved = awaiting.stream().filter(waiting -> waiting > 0).count();
        }
        var median = sampled.get(sampled.size() / 2);
        var p90 = sampled.get(sampled.size() * 9 / 10);
        var longestHeld = Duration.ofMillis((long) node.bean(MeterRegistry.class).get("hikaricp.connections.usage")
                .tag("pool", pool.getPoolName()).timer().max(TimeUnit.MILLISECONDS));
        System.out.printf("While 16 jobs waited on Chatwoots answering in %d ms: %d rounds of probes, slowest %s ms,"
                        + " %d late %s; active connections of %d: median %d, 90th percentile %d, max %d;"
                        + " a thread waited for a connection in %d of %d samples; longest a connection was held:"
                        + " %d ms%n", CHATWOOT_DELAY_MS, rounds, slowest, late.size(), late,
                pool.getMaximumPoolSize(), median, p90, sampled.getLast(), starved, sampled.size(),
                longestHeld.toMillis());

        assertThat(rounds).as("rounds of calls made while the slow Chatwoots' calls were out").isPositive();
        assertThat(late).as("calls of another account while 16 jobs waited on Chatwoots answering in %d ms",
                CHATWOOT_DELAY_MS).isEmpty();
        assertThat(median).as("connections in use while 16 jobs wait on Chatwoot (median of %d samples)",
                sampled.size()).isLessThanOrEqualTo(2);
        assertThat(longestHeld).as("the longest a connection was held: never across a Chatwoot call")
                .isLessThan(Duration.ofMillis(CHATWOOT_DELAY_MS));

        Eventually.until("every slow account's message is in Chatwoot", Duration.ofSeconds(90),
                () -> slow.stream().allMatch(account -> chatwoot.messages(account.chatwootAccount()).size()
                        == CONTACTS));
        for (var account : slow) {
            Eventually.settled(account.tenant().id());
            assertThat(chatwoot.conversations(account.chatwootAccount())).as("each contact's own conversation")
                    .hasSize(CONTACTS);
            assertThat(Gateway.query("select count(*) from gateway_jobs where account_id = "
                    + account.tenant().id() + " and kind = 'inbound' and (status <> 'done' or attempts <> 1)"))
                    .as("every job done at its first attempt").isEqualTo("0");
        }
        var posted = slow.stream().flatMap(account -> chatwoot.messages(account.chatwootAccount()).stream())
                .collect(Collectors.groupingBy(FakeChatwoot.Message::sourceId, Collectors.counting()));
        assertThat(posted.keySet()).containsExactlyInAnyOrderElementsOf(sourceIds);
        assertThat(posted.values()).as("each message once").containsOnly(1L);
    }

    /** An account whose Chatwoot answers every call late, with a number of its own. */
    private SlowAccount slowAccount(Fixtures fixtures, String name) {
        var tenant = fixtures.tenant(name);
        var chatwootAccount = chatwoot.newAccount();
        chatwootAccounts.add(chatwootAccount);
        Gateway.connectChatwoot(http(), tenant.admin().token(), tenant.id(), chatwootAccount, INBOX, null);
        var number = Gateway.evolution(http(), tenant.admin().token(), tenant.id(), null, null);
        for (int contact = 1; contact <= CONTACTS; contact++) {
            chatwoot.seedConversation(chatwootAccount, INBOX, "Contact " + contact, phone(contact));
        }
        stubs.add(chatwoot.slow(chatwootAccount, "GET", ".*", CHATWOOT_DELAY_MS));
        stubs.add(chatwoot.slow(chatwootAccount, "POST", ".*", CHATWOOT_DELAY_MS));
        return new SlowAccount(tenant, chatwootAccount, number);
    }

    private static String phone(int contact) {
        return "+55119777700" + contact + "0";
    }

    private static long running(List<SlowAccount> accounts) {
        return Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id in ("
                + ids(accounts) + ") and status = 'pending' and claim_token is not null and next_attempt_at > now()"));
    }

    private static long done(List<SlowAccount> accounts) {
        return Long.parseLong(Gateway.query("select count(*) from gateway_jobs where account_id in ("
                + ids(accounts) + ") and kind = 'inbound' and status = 'done'"));
    }

    private static String ids(List<SlowAccount> accounts) {
        return accounts.stream().map(account -> Long.toString(account.tenant().id()))
                .collect(Collectors.joining(", "));
    }
}
