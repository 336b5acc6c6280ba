package com.whatpro.hub.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * An operator sees the queue: each account admin its own account's queue through the stats endpoint; the operator
 * all of it as Prometheus metrics, with no account in any label; and, without an OTLP endpoint, traces stay in the
 * process (in the log lines) and nothing is exported.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueObservabilityTests extends GatewayTest {

    static final long INBOX = 95;
    private static final Pattern TENANT_LABEL = Pattern.compile("[{,](account|account_id|tenant|tenant_id)=");

    @Autowired
    JobWorker worker;
    @Autowired
    MeterRegistry registry;
    @Autowired
    QueueMetrics metrics;
    @Autowired
    ApplicationContext context;

    Gateway.Provider provider;

    QueueObservabilityTests() {
        super(INBOX);
    }

    @BeforeEach
    void anEvolutionNumber() {
        provider = evolutionNumber();
    }

    @AfterEach
    void resume() {
        worker.resume();
        LoggingSystem.get(getClass().getClassLoader()).setLogLevel(JobWorker.class.getName(), null);
    }

    JsonNode stats(String token, long account) {
        var response = http().bearer(token).get("/api/v1/accounts/" + account + "/gateway/stats");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    String post(String messageId, String text) {
        Gateway.post(http(), provider.webhookPath(), Gateway.evolutionMessage(provider.key(), messageId,
                "5511944440001@s.whatsapp.net", "Olga", text, false), Map.of());
        return messageId;
    }

    @Test
    void anAdminFollowsTheAccountsQueueFromWaitingThroughAStolenLeaseToDelivered() {
        worker.pause();
        var messageId = post("3EB0ST" + InboundBridgeTests.suffix(), "is my order ready?");
        var job = "dedup_key like '%:message:" + messageId + "'";

        var waiting = stats(tenant.admin().token(), tenant.id());
        assertThat(waiting.get("pending").asLong()).isEqualTo(1);
        assertThat(waiting.get("running").asLong()).isZero();
        assertThat(waiting.get("oldest_pending_seconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(waiting.has("dead_letters") && waiting.has("delivered_last_5m") && waiting.has("failed_last_5m"))
                .as(waiting.toString()).isTrue();

        // another node claims it and holds a live lease
        Gateway.sql("update gateway_jobs set claimed_by = 'other-node', claim_token = gen_random_uuid(), attempts = 1,"
                + " next_attempt_at = now() + interval '1 hour', created_at = now() - interval '90 seconds' where "
                + job);
        var running = stats(tenant.admin().token(), tenant.id());
        assertThat(running.get("pending").asLong()).isZero();
        assertThat(running.get("running").asLong()).isEqualTo(1);
        assertThat(running.get("oldest_pending_seconds").asLong()).isBetween(90L, 600L);

        // another tenant's admin sees an empty queue of their own and nothing of this one
        var stranger = fixtures.tenant("Stranger");
        var theirs = stats(stranger.admin().token(), stranger.id());
        assertThat(theirs.get("pending").asLong() + theirs.get("running").asLong()).isZero();

        // that node dies: its lease runs out and this node takes the job over
        double stealsBefore = steals();
        Gateway.sql("update gateway_jobs set next_attempt_at = now() - interval '1 second' where " + job);
        worker.resume();
        Eventually.until("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);
        var done = Eventually.value("the job is recorded as done", () -> stats(tenant.admin().token(), tenant.id()),
                stats -> stats.get("delivered_last_5m").asLong() == 1);
        assertThat(done.get("pending").asLong() + done.get("running").asLong()).isZero();
        assertThat(done.get("oldest_pending_seconds").asLong()).isZero();
        assertThat(steals()).as("a lease steal is counted").isEqualTo(stealsBefore + 1);
    }

    @Test
    void aDeadLetterShowsInTheStats() {
        var refusing = chatwoot.failMessagePosts(chatwootAccount, 401);
        try {
            post("3EB0SD" + InboundBridgeTests.suffix(), "hello?");
            var stats = Eventually.value("a dead letter appears", () -> stats(tenant.admin().token(), tenant.id()),
                    s -> s.get("dead_letters").asLong() == 1);
            assertThat(stats.get("failed_last_5m").asLong()).isEqualTo(1);
            assertThat(stats.get("delivered_last_5m").asLong()).isZero();
            assertThat(stats.get("pending").asLong()).isZero();
        } finally {
            chatwoot.remove(refusing);
        }
    }

    @Test
    void aJobWhosePayloadCannotBeReadIsADeadLetterAtItsFirstAttempt() {
        var messageId = post("3EB0UR" + InboundBridgeTests.suffix(), "readable");
        Eventually.until("a readable job is done", () -> chatwoot.messages(chatwootAccount).size() == 1);
        Gateway.sql("""
                insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload)
                select gen_random_uuid(), account_id, kind, dedup_key || ':unreadable', ordering_key,
                       cast('{"provider_id": "not a uuid", "message": 42}' as jsonb)
                from gateway_jobs where dedup_key like '%%:message:%s'
                """.formatted(messageId));

        var stats = Eventually.value("the unreadable job is a dead letter", () -> stats(tenant.admin().token(),
                tenant.id()), s -> s.get("dead_letters").asLong() == 1);
        assertThat(stats.get("pending").asLong()).isZero();
        assertThat(Gateway.query("select attempts || ' ' || last_error from gateway_jobs where dedup_key like "
                + "'%:unreadable'")).as("buried at once, saying why without quoting the payload")
                .startsWith("1 the job's payload cannot be read as inbound").doesNotContain("not a uuid");
    }

    @Test
    void onlyTheAccountsAdminsSeeItsStats() {
        var path = "/api/v1/accounts/" + tenant.id() + "/gateway/stats";
        var agent = fixtures.member(tenant.admin().token(), tenant.id(), "agent");
        var stranger = fixtures.tenant("Prying");

        assertThat(http().get(path).status()).isEqualTo(401);
        assertThat(http().bearer(agent.token()).get(path).status()).isEqualTo(403);
        assertThat(http().bearer(stranger.admin().token()).get(path).status()).isEqualTo(404);
    }

    @Test
    void prometheusShowsTheQueueAfterRealWorkWithNoAccountLabel() {
        post("3EB0PM" + InboundBridgeTests.suffix(), "metrics please");
        Eventually.until("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);
        metrics.refresh();

        var scrape = http().bearer(fixtures.superAdmin()).get("/actuator/prometheus");
        assertThat(scrape.status()).as(scrape.body()).isEqualTo(200);
        var lines = scrape.body().lines().filter(line -> !line.startsWith("#")).toList();
        assertThat(value(lines, "whatpro_gateway_claims_total{kind=\"inbound\"")).isGreaterThanOrEqualTo(1);
        assertThat(lines)
                .anyMatch(line -> line.startsWith("whatpro_gateway_jobs{kind=\"inbound\",state=\"pending\"}"));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_jobs{kind=\"send\",state=\"dead\"}"));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_oldest_pending_seconds "));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_lease_renewals_total "));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_lease_steals_total{kind=\"inbound\"}"));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_retries_total{kind=\"inbound\"}"));
        assertThat(lines).anyMatch(line -> line.startsWith("whatpro_gateway_dead_letters_total{kind=\"inbound\"}"));
        assertThat(lines).as("Chatwoot call latency by outcome").anyMatch(line ->
                line.startsWith("whatpro_outbound_seconds_count{") && line.contains("outcome=\"success\"")
                        && line.contains("target=\"chatwoot\""));
        assertThat(lines).as("no metric is labelled by account or tenant")
                .noneMatch(line -> TENANT_LABEL.matcher(line).find());
        assertThat(lines.stream().filter(line -> line.startsWith("whatpro_")))
                .noneMatch(line -> line.contains("\"" + tenant.id() + "\""));
    }

    @Test
    void metricsAreNotReadableByAnonymousCallersOrTenantAdmins() {
        assertThat(http().get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(http().bearer(tenant.admin().token()).get("/actuator/prometheus").status()).isEqualTo(403);
    }

    @Test
    void withoutAnOtlpEndpointTheTraceStaysInTheProcessAndItsLogLines(CapturedOutput output) {
        assertThat(context.getBeansOfType(SpanExporter.class)).as("no exporter without WHATPRO_OTLP_ENDPOINT")
                .isEmpty();
        LoggingSystem.get(getClass().getClassLoader()).setLogLevel(JobWorker.class.getName(), LogLevel.DEBUG);

        var messageId = post("3EB0TR" + InboundBridgeTests.suffix(), "trace me");
        Eventually.until("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);

        var traceparent = Gateway.query("select traceparent from gateway_jobs where dedup_key like '%:message:"
                + messageId + "'");
        assertThat(traceparent).as("the webhook's trace is stored with its job")
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        assertThat(traceparent).as("without an endpoint a new trace is not recorded (sampled flag off)")
                .matches(".*-[0-9a-f][02468ace]");
        var traceId = traceparent.split("-")[1];
        Eventually.until("the job's log line carries the webhook's trace id", () -> output.getAll().lines()
                .anyMatch(line -> line.contains("attempt 1 done") && line.contains(traceId)));
    }

    private double steals() {
        var counter = registry.find("whatpro.gateway.lease.steals").tag("kind", "inbound").counter();
        return counter == null ? 0 : counter.count();
    }

    private static double value(java.util.List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(Arrays.asList(line.split(" ")).getLast())).orElse(-1.0);
    }
}
