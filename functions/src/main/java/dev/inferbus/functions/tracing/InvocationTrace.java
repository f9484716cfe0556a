package dev.inferbus.functions.tracing;

import dev.inferbus.events.contract.Decoded;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The spans of one invocation. It travels in OpenTelemetry's {@link Context} rather than through constructors, so
 * that the pipeline, the scorers and the reporter open their spans where their work is, without a tracing
 * parameter on each: {@link #current()} is a no-op trace wherever no invocation made itself current (a benchmark,
 * a priming run, a test of something else).
 *
 * <p>A record's span lives in its request's trace; the invocation's span lives in the trace Lambda's header names
 * (the function's X-Ray segment). A stage that serves many records (a tensor batch of 64 texts, one endpoint call,
 * the table writes) happened once, so it is one span, a child of the invocation, with a link to each record's span
 * (https://opentelemetry.io/docs/concepts/signals/traces/#span-links): copying it into each request's trace would
 * claim the work 64 times, and parenting it under one record would hide it from the other 63.
 */
public final class InvocationTrace {

    private static final ContextKey<InvocationTrace> KEY = ContextKey.named("inferbus-invocation");
    private static final InvocationTrace NONE = new InvocationTrace(OpenTelemetry.noop().getTracer("inferbus"), "none",
            Map.of(), null, Instant.EPOCH);

    private final Tracer tracer;
    private final Map<String, RecordSource> sources;
    private final String lambdaTraceHeader;
    private final Instant invoked;
    private final Span span;
    private final Context context;
    private final Map<String, List<RequestSpan>> byRequestId = new ConcurrentHashMap<>();

    InvocationTrace(Tracer tracer, String function, Map<String, RecordSource> sources, String lambdaTraceHeader, Instant invoked) {
        this.tracer = tracer;
        this.sources = Map.copyOf(sources);
        this.lambdaTraceHeader = lambdaTraceHeader;
        this.invoked = invoked;
        Context parent = TraceContexts.parent(null, null, lambdaTraceHeader);
        this.span = tracer.spanBuilder("invoke " + function).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(invoked).setAttribute("faas.invocation.records", (long) sources.size()).startSpan();
        this.context = parent.with(span);
    }

    /** The invocation the calling thread works for, or a trace that records nothing. */
    public static InvocationTrace current() {
        InvocationTrace trace = Context.current().get(KEY);
        return trace != null ? trace : NONE;
    }

    Scope makeCurrent() {
        return Context.current().with(KEY, this).makeCurrent();
    }

    /**
     * Starts a record's span once its event is decoded (its {@code traceparent} is in the body): from the event's
     * time, with the stages before the function and the decode that took from {@code decodeStart} until now.
     *
     * @param request the decoded request, or null for a record that is no request
     */
    public RequestSpan request(String recordId, Decoded.Request request, Instant decodeStart) {
        Instant decoded = Instant.now();
        RecordSource source = sources.getOrDefault(recordId, RecordSource.DIRECT);
        Context parent = TraceContexts.parent(request == null ? null : request.detail().traceparent(), source.awsTraceHeader(),
                lambdaTraceHeader);
        // a replay re-sends an archived event with its first time: the wait since then is not this delivery's
        boolean timed = request != null && request.eventTime() != null && request.replayName() == null;
        Instant start = timed && request.eventTime().isBefore(invoked) ? request.eventTime() : invoked;
        SpanBuilder builder = tracer.spanBuilder("request").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(start).setAttribute(RequestSpan.RECORD_ID, recordId).addLink(span.getSpanContext());
        if (request != null) {
            builder.setAttribute(RequestSpan.REQUEST_ID, request.detail().requestId()).setAttribute("inferbus.model", request.detail().model());
        }
        RequestSpan record = new RequestSpan(tracer, builder.startSpan(), parent);
        if (timed) {
            source.before(request.eventTime(), invoked).forEach(stage -> record.stage(stage.name(), stage.start(), stage.end()));
        }
        record.stage("decode", decodeStart, decoded);
        if (request != null) {
            byRequestId.computeIfAbsent(request.detail().requestId(), id -> new CopyOnWriteArrayList<>()).add(record);
        }
        return record;
    }

    /**
     * The span of a request an asynchronous endpoint finished, in the request's own trace below the forwarder's span
     * of it (whose traceparent the PENDING row keeps): from the endpoint's receipt of the request, with the
     * endpoint's work and the notification's way back to this function as its stages.
     *
     * @param received when the endpoint received the request, null if the notification does not say
     * @param completed when the endpoint finished it, null if the notification does not say
     */
    public RequestSpan completion(String requestId, String traceparent, Instant received, Instant completed) {
        Context parent = TraceContexts.parent(traceparent, null, lambdaTraceHeader);
        boolean timed = received != null && completed != null && !received.isAfter(completed) && !completed.isAfter(invoked);
        RequestSpan record = new RequestSpan(tracer, tracer.spanBuilder("completion").setParent(parent)
                .setSpanKind(SpanKind.CONSUMER).setStartTimestamp(timed ? received : invoked)
                .setAttribute(RequestSpan.REQUEST_ID, requestId).addLink(span.getSpanContext()).startSpan(), parent);
        if (timed) {
            record.stage("async endpoint", received, completed);
            record.stage("notification", completed, invoked);
        }
        byRequestId.computeIfAbsent(requestId, id -> new CopyOnWriteArrayList<>()).add(record);
        return record;
    }

    /** The traceparent continuing this invocation's span of {@code requestId}'s record, else null. */
    public String traceparentOf(String requestId) {
        List<RequestSpan> records = byRequestId.getOrDefault(requestId, List.of());
        return records.isEmpty() ? null : TraceContexts.traceparent(records.getFirst().spanContext());
    }

    /**
     * A stage serving many records, starting now, below the invocation and linked to the span of each record of
     * {@code requestIds} (null ids and ids this invocation has no record for are left out); the caller ends it.
     */
    public Span batch(String name, Collection<String> requestIds) {
        SpanBuilder builder = tracer.spanBuilder(name).setParent(context).setAttribute("inferbus.batch.size", (long) requestIds.size());
        // a scoring command's or a benchmark's requests have no id, and no record to link to
        requestIds.stream().filter(Objects::nonNull).flatMap(id -> byRequestId.getOrDefault(id, List.of()).stream())
                .forEach(record -> builder.addLink(record.spanContext()));
        return builder.startSpan();
    }

    void end() {
        span.end();
    }
}
