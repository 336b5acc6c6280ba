package com.whatpro.hub.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * Whatever writes the log line (a plain pattern, Spring Boot's JSON formats, with or without its stack trace printer),
 * the masking appender put in front of it leaves no secret: not in the message, its arguments, the exception and its
 * causes, nor the MDC.
 */
class LogMaskingTest {

    private static final String PATH_SECRET = "pAtHsEcReT_9x";
    private static final String QUERY_TOKEN = "qUeRyToKeN77";
    private static final String CAUSE_TOKEN = "cAuSeToKeN55";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Test
    void masksPlainTextLines() {
        var written = logThrough(pattern("%level %logger %m %X{probe}%n%ex"), new MockEnvironment());
        assertMasked(written);
        assertThat(written).contains("/api/v1/webhooks/providers/0193/***").contains("IllegalStateException");
    }

    @Test
    void masksLogstashJsonLines() {
        var written = logThrough(structured("logstash"), new MockEnvironment());
        assertMasked(written);
        assertThat(written).contains("\"message\":").contains("/api/v1/webhooks/providers/0193/***");
    }

    @Test
    void masksEcsJsonLinesPrintedWithSpringBootsStackTracePrinter() {
        var environment = new MockEnvironment().withProperty("logging.structured.json.stacktrace.root", "first");
        var written = logThrough(structured("ecs"), environment);
        assertMasked(written);
        assertThat(written).contains("java.lang.IllegalStateException")
                .contains("java.io.IOException: redirected to https://media.test/f?token=***");
    }

    @Test
    void keepsTheTraceIdOfTheLineInPlainAndJsonLines() {
        // tracing puts the current trace in the MDC; Spring Boot's plain pattern prints it as [traceId-spanId]
        var plain = logThrough(pattern("%level [%X{traceId:-}-%X{spanId:-}] %m%n%ex"), new MockEnvironment());
        assertThat(plain).contains("[" + TRACE_ID + "-" + SPAN_ID + "] POST");
        var json = logThrough(structured("logstash"), new MockEnvironment());
        assertThat(json).contains("\"traceId\":\"" + TRACE_ID + "\"").contains("\"spanId\":\"" + SPAN_ID + "\"");
        assertMasked(json);
    }

    private static void assertMasked(String written) {
        assertThat(written).isNotBlank()
                .doesNotContain(PATH_SECRET).doesNotContain(QUERY_TOKEN).doesNotContain(CAUSE_TOKEN)
                .contains("access_token=***");
    }

    private static String logThrough(Encoder<ILoggingEvent> encoder, Environment environment) {
        var context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putObject(Environment.class.getName(), environment);
        encoder.setContext(context);
        encoder.start();
        var out = new ByteArrayOutputStream();
        var appender = new OutputStreamAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("probe");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        var logger = context.getLogger("probe");
        logger.addAppender(appender);

        LogMasking.install(context);
        LogMasking.install(context);

        MDC.put("probe", "https://x.test/cb?secret=" + QUERY_TOKEN);
        MDC.put("traceId", TRACE_ID);
        MDC.put("spanId", SPAN_ID);
        try {
            logger.info("POST {} 404", "/api/v1/webhooks/providers/0193/" + PATH_SECRET);
            logger.warn("Provider call failed", new IllegalStateException(
                    "GET https://graph.test/v20.0/1?access_token=" + QUERY_TOKEN,
                    new IOException("redirected to https://media.test/f?token=" + CAUSE_TOKEN)));
        } finally {
            MDC.remove("probe");
            MDC.remove("traceId");
            MDC.remove("spanId");
        }
        context.stop();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Encoder<ILoggingEvent> pattern(String pattern) {
        var encoder = new PatternLayoutEncoder();
        encoder.setPattern(pattern);
        return encoder;
    }

    private static Encoder<ILoggingEvent> structured(String format) {
        var encoder = new StructuredLogEncoder();
        encoder.setFormat(format);
        return encoder;
    }
}
