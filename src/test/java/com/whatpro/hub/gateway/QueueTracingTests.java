package com.whatpro.hub.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.whatpro.hub.Fixtures;
import com.whatpro.hub.TestHttp;
import com.whatpro.hub.TestInfrastructure;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * With {@code WHATPRO_OTLP_ENDPOINT} set, a webhook's way through the hub is one trace at the collector: the webhook
 * request, the queued job that a worker ran later, and the Chatwoot call that job made; and the job's log line names
 * that trace. No span carries a webhook URL's secret. The collector is a fake on loopback that accepts OTLP/HTTP
 * protobuf.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.opentelemetry.tracing.export.schedule-delay=100ms")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class QueueTracingTests {

    static final long INBOX = 97;
    static final WireMockServer COLLECTOR = collector();

    static {
        // read before the context's own properties are: as WHATPRO_OTLP_ENDPOINT would be, from the process
        System.setProperty("whatpro.otlp-endpoint", "http://127.0.0.1:" + COLLECTOR.port() + "/v1/traces");
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopCollector() {
        System.clearProperty("whatpro.otlp-endpoint");
        LoggingSystem.get(QueueTracingTests.class.getClassLoader()).setLogLevel(JobWorker.class.getName(), null);
        COLLECTOR.stop();
    }

    private static WireMockServer collector() {
        var server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-protobuf")));
        return server;
    }

    @Test
    void aWebhookIsOneTraceFromIntakeThroughItsJobToTheChatwootCall(CapturedOutput output) {
        LoggingSystem.get(getClass().getClassLoader()).setLogLevel(JobWorker.class.getName(), LogLevel.DEBUG);
        var http = TestHttp.at(port);
        var tenant = new Fixtures(http).tenant("Traced");
        var chatwoot = FakeChatwoot.get();
        var chatwootAccount = chatwoot.newAccount();
        Gateway.connectChatwoot(http, tenant.admin().token(), tenant.id(), chatwootAccount, INBOX, null);
        var provider = Gateway.evolution(http, tenant.admin().token(), tenant.id(), null, null);

        Gateway.post(http, provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                "3EB0OT" + InboundBridgeTests.suffix(), "5511933330001@s.whatsapp.net", "Vera", "follow me", false),
                Map.of());
        Eventually.until("the message reaches Chatwoot", () -> chatwoot.messages(chatwootAccount).size() == 1);

        var job = Eventually.value("the job's span reaches the collector", () -> spans().stream()
                .filter(span -> span.getName().equals("gateway job inbound")).findFirst().orElse(null),
                span -> span != null);
        var traceId = HexFormat.of().formatHex(job.getTraceId().toByteArray());
        var trace = Eventually.value("the whole trace reaches the collector", () -> spans().stream()
                .filter(span -> HexFormat.of().formatHex(span.getTraceId().toByteArray()).equals(traceId)).toList(),
                spans -> spans.stream().anyMatch(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                        && spans.stream().anyMatch(span -> span.getName().startsWith("chatwoot ")));

        var intake = trace.stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                && span.getName().contains("/api/v1/webhooks/providers")).findFirst();
        assertThat(intake).as("the webhook request starts the trace: %s", names(trace)).isPresent();
        assertThat(job.getParentSpanId()).as("the job continues the webhook's trace").isNotEmpty();
        var calls = trace.stream().filter(span -> span.getName().startsWith("chatwoot ")).toList();
        assertThat(calls).as("the Chatwoot calls are the job's children")
                .allMatch(call -> call.getParentSpanId().equals(job.getSpanId()));
        assertThat(output.getAll().lines().filter(line -> line.contains("attempt 1 done")))
                .as("the job's log line names the trace").anyMatch(line -> line.contains(traceId));
    }

    @Test
    void noExportedSpanCarriesAWebhookUrlsSecret() {
        var http = TestHttp.at(port);
        var tenant = new Fixtures(http).tenant("Traced secrets");
        var chatwoot = FakeChatwoot.get();
        var chatwootAccount = chatwoot.newAccount();
        var chatwootWebhook = Gateway.connectChatwoot(http, tenant.admin().token(), tenant.id(), chatwootAccount,
                INBOX, null);
        var provider = Gateway.evolution(http, tenant.admin().token(), tenant.id(), null, null);
        var providerSecret = provider.webhookPath().substring(provider.webhookPath().lastIndexOf('/') + 1);
        var providerPrefix = provider.webhookPath().substring(0, provider.webhookPath().lastIndexOf('/') + 1);
        var chatwootSecret = chatwootWebhook.substring(chatwootWebhook.lastIndexOf('/') + 1);
        var chatwootPrefix = chatwootWebhook.substring(0, chatwootWebhook.lastIndexOf('/') + 1);
        var incoming = (ObjectNode) Gateway.JSON.readTree(Gateway.resource(
                "/chatwoot/webhooks/message_created.incoming.whatsapp.json"));
        ((ObjectNode) incoming.get("account")).put("id", chatwootAccount);

        assertThat(Gateway.post(http, provider.webhookPath(), Gateway.evolutionMessage(provider.key(),
                "3EB0OS" + InboundBridgeTests.suffix(), "5511933330002@s.whatsapp.net", "Wes", "psst", false),
                Map.of()).status()).isEqualTo(200);
        assertThat(Gateway.post(http, chatwootWebhook, Gateway.JSON.writeValueAsString(incoming),
                Gateway.chatwootHeaders(null, UUID.randomUUID().toString(), "")).status()).isEqualTo(200);

        var intakes = Eventually.value("both webhook requests' spans reach the collector", () -> spans().stream()
                .filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .filter(span -> span.getName().contains("/api/v1/webhooks/"))
                .map(QueueTracingTests::url).toList(),
                urls -> urls.stream().anyMatch(url -> url.startsWith(providerPrefix))
                        && urls.stream().anyMatch(url -> url.startsWith(chatwootPrefix)));
        assertThat(intakes).as("the webhook URLs, their secrets masked")
                .contains(providerPrefix + "***", chatwootPrefix + "***");
        assertThat(exports()).as("every span, attribute, event and resource exported")
                .allSatisfy(export -> assertThat(export.toString()).doesNotContain(providerSecret, chatwootSecret));
    }

    private static String url(Span span) {
        return span.getAttributesList().stream().filter(attribute -> attribute.getKey().equals("http.url"))
                .map(attribute -> attribute.getValue().getStringValue()).findFirst().orElse("");
    }

    private static List<String> names(List<Span> spans) {
        return spans.stream().map(Span::getName).toList();
    }

    private static List<ExportTraceServiceRequest> exports() {
        return COLLECTOR.getAllServeEvents().stream()
                .filter(event -> event.getRequest().getUrl().startsWith("/v1/traces"))
                .map(event -> {
                    try {
                        return ExportTraceServiceRequest.parseFrom(event.getRequest().getBody());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("not OTLP protobuf", e);
                    }
                })
                .toList();
    }

    private static List<Span> spans() {
        return exports().stream()
                .flatMap(export -> export.getResourceSpansList().stream())
                .flatMap(resource -> resource.getScopeSpansList().stream())
                .flatMap(scope -> scope.getSpansList().stream())
                .toList();
    }
}
