package dev.inferbus.functions.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import java.util.HashMap;
import java.util.Map;

/**
 * The two trace headers a request reaches a function with, read and written by OpenTelemetry's own propagators: the
 * W3C {@code traceparent} a producer may put in the event (https://www.w3.org/TR/trace-context/#traceparent-header),
 * and X-Ray's {@code Root=1-…;Parent=…;Sampled=…} that SQS carries as the {@code AWSTraceHeader} system attribute and
 * Lambda hands each invocation (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
 */
public final class TraceContexts {

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapPropagator XRAY = AwsXrayPropagator.getInstance();
    private static final String TRACEPARENT = "traceparent";
    private static final String XRAY_HEADER = "X-Amzn-Trace-Id";
    /**
     * Where Lambda's Java runtime puts the invocation's X-Ray header: a system property set per invocation, since
     * environment variables cannot change in a running JVM
     * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html, {@code _X_AMZN_TRACE_ID}).
     */
    static final String LAMBDA_PROPERTY = "com.amazonaws.xray.traceHeader";

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContexts() {
    }

    /**
     * The context a record's span continues: the request's own {@code traceparent} when it has a valid one (the
     * producer's trace, end to end), else the message's {@code AWSTraceHeader}, else the invocation's Lambda header;
     * the root context (a new trace) when none is usable.
     */
    public static Context parent(String traceparent, String awsTraceHeader, String lambdaTraceHeader) {
        for (Context candidate : new Context[] {extract(W3C, TRACEPARENT, traceparent), extract(XRAY, XRAY_HEADER, awsTraceHeader),
                extract(XRAY, XRAY_HEADER, lambdaTraceHeader)}) {
            if (Span.fromContext(candidate).getSpanContext().isValid()) {
                return candidate;
            }
        }
        return Context.root();
    }

    /** The invocation's X-Ray header as Lambda's Java runtime passes it, or null outside Lambda. */
    public static String lambdaTraceHeader() {
        String property = System.getProperty(LAMBDA_PROPERTY);
        return property != null ? property : System.getenv("_X_AMZN_TRACE_ID");
    }

    /** The W3C {@code traceparent} naming {@code span}, or null for an invalid (untraced) one. */
    public static String traceparent(SpanContext span) {
        if (!span.isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.root().with(Span.wrap(span)), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    private static Context extract(TextMapPropagator propagator, String header, String value) {
        return value == null || value.isBlank() ? Context.root() : propagator.extract(Context.root(), Map.of(header, value), GETTER);
    }
}
