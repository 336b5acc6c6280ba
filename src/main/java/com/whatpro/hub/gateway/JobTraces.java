package com.whatpro.hub.gateway;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Carries a trace through the queue: a job stores the W3C {@code traceparent} of the webhook or request that added
 * it, and the worker runs it in a span that continues that trace, so the Chatwoot or provider call it makes (an
 * observed outbound call) joins the same trace. Without tracing (no tracer) jobs simply run.
 */
@Component
class JobTraces {

    private static final String TRACEPARENT = "traceparent";

    private final @Nullable Tracer tracer;
    private final @Nullable Propagator propagator;

    JobTraces(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer.getIfAvailable();
        this.propagator = propagator.getIfAvailable();
    }

    /** The current trace as a W3C traceparent; null outside any trace. */
    @Nullable String current() {
        var span = tracer == null ? null : tracer.currentSpan();
        if (span == null || propagator == null) {
            return null;
        }
        var headers = new HashMap<String, String>();
        propagator.inject(span.context(), headers, Map::put);
        return headers.get(TRACEPARENT);
    }

    /** Runs the job's work in a span of the trace it was added in (a new trace when it has none). */
    <T> T inJob(Jobs.Claimed job, Supplier<T> work) {
        if (tracer == null || propagator == null) {
            return work.get();
        }
        var builder = job.traceparent() == null ? tracer.spanBuilder()
                : propagator.extract(Map.of(TRACEPARENT, job.traceparent()), (carrier, key) -> carrier.get(key));
        var span = builder.name("gateway job " + job.kind().key()).kind(Span.Kind.CONSUMER)
                .tag("whatpro.job.kind", job.kind().key()).tag("whatpro.job.attempt", job.attempts()).start();
        try (var scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
