package dev.inferbus.functions.tracing;

import dev.inferbus.events.contract.InferenceRequested;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;

/**
 * One record's span in the function (its request's trace continues from it) and the stages that are its own:
 * decode, claim check, and the waits derived before the function. Stages that serve many records at once (a
 * tensor batch, an endpoint call, the table writes, a publish) are {@link InvocationTrace#batch batch spans} that link here.
 */
public final class RequestSpan {

    static final String REQUEST_ID = "inferbus.request_id";
    static final String RECORD_ID = "inferbus.record_id";
    static final String FATE = "inferbus.fate";

    private final Tracer tracer;
    private final Span span;
    private final Context context;

    RequestSpan(Tracer tracer, Span span, Context parent) {
        this.tracer = tracer;
        this.span = span;
        this.context = parent.with(span);
    }

    /** A stage of this record starting now; the caller ends it. */
    public Span stage(String name) {
        return tracer.spanBuilder(name).setParent(context).startSpan();
    }

    void stage(String name, Instant start, Instant end) {
        tracer.spanBuilder(name).setParent(context).setStartTimestamp(start).startSpan().end(end);
    }

    SpanContext spanContext() {
        return span.getSpanContext();
    }

    /** The trace this record's span belongs to, for its log lines; null where the record is not traced. */
    public String traceId() {
        return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
    }

    /**
     * The request as its result event carries it: with the {@code traceparent} of this span, so that a consumer of
     * the result continues the same trace below the function; unchanged when this record is not traced.
     */
    public InferenceRequested carry(InferenceRequested detail) {
        String traceparent = TraceContexts.traceparent(span.getSpanContext());
        return detail == null || traceparent == null ? detail : detail.withTraceparent(traceparent);
    }

    /** @param fate how the record ended in this invocation */
    public void end(Object fate) {
        span.setAttribute(FATE, String.valueOf(fate));
        span.end();
    }
}
