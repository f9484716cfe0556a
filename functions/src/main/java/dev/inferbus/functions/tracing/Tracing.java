package dev.inferbus.functions.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Scope;
import io.opentelemetry.contrib.awsxray.AwsXrayIdGenerator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The function's OpenTelemetry SDK: X-Ray-compatible trace ids (the first 32 bits are the epoch second, as X-Ray
 * requires: https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-traceids), the SDK's
 * default parent-based sampling (a request whose producer or X-Ray sampled it is traced, one sampled out is not;
 * a batch span follows the requests it serves: {@link LinkedSampler}), and
 * spans exported over OTLP/HTTP when {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set — the variable of OpenTelemetry's
 * SDK specification, which the ADOT Lambda layer's collector (listening on localhost:4318) and the local cloud's
 * collector both answer. Without it spans are made, so that results still continue their requests' traces, but
 * nothing is sent.
 *
 * <p>A Lambda environment is frozen between invocations, so spans are flushed before the handler returns
 * ({@link #invocation}); with SnapStart the function builds a new {@code Tracing} after a restore, as it rebuilds its
 * AWS clients, since the exporter's pooled connection was made before the snapshot.
 */
public final class Tracing implements AutoCloseable {

    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    /** How long the end of an invocation waits for its spans to leave: bounded, a slow collector must not hold Lambda. */
    static final Duration FLUSH = Duration.ofSeconds(2);
    /** Room for a full SQS batch (10,000 records is the most Lambda hands one invocation) several spans each. */
    private static final int QUEUE = 32_768;

    private final SdkTracerProvider provider;
    private final String function;

    private Tracing(SdkTracerProvider provider, String function) {
        this.provider = provider;
        this.function = function;
    }

    /** From the function's environment: exporting when {@value #ENDPOINT} names a collector. */
    public static Tracing fromEnvironment(Map<String, String> env) {
        String function = env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "inferbus");
        String endpoint = env.get(ENDPOINT);
        SdkTracerProviderBuilder builder = base(env.getOrDefault("OTEL_SERVICE_NAME", function));
        if (endpoint != null && !endpoint.isBlank()) {
            builder.addSpanProcessor(batching(OtlpHttpSpanExporter.builder()
                    .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build()));
        }
        return new Tracing(builder.build(), function);
    }

    /** Exporting to {@code exporter} (a test's in-memory one). */
    public static Tracing exportingTo(SpanExporter exporter, String function) {
        return new Tracing(base(function).addSpanProcessor(batching(exporter)).build(), function);
    }

    private static SdkTracerProviderBuilder base(String service) {
        return SdkTracerProvider.builder().setIdGenerator(AwsXrayIdGenerator.getInstance()).setSampler(new LinkedSampler())
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service, AttributeKey.stringKey("cloud.provider"), "aws"))));
    }

    private static BatchSpanProcessor batching(SpanExporter exporter) {
        return BatchSpanProcessor.builder(exporter).setMaxQueueSize(QUEUE).build();
    }

    /** For every AWS client of the function: a CLIENT span per SDK call ({@link AwsCallSpans}). */
    public ExecutionInterceptor awsCalls() {
        return new AwsCallSpans(provider.get("inferbus"));
    }

    /**
     * Runs one invocation's work with its trace current, then ends the invocation's span and flushes every span
     * it made, whatever the work did.
     *
     * @param sources by record id, what the event source tells of each record
     */
    public <T> T invocation(Map<String, RecordSource> sources, Supplier<T> work) {
        InvocationTrace trace = new InvocationTrace(provider.get("inferbus"), function, sources,
                TraceContexts.lambdaTraceHeader(), Instant.now());
        try (Scope scope = trace.makeCurrent()) {
            return work.get();
        } finally {
            trace.end();
            flush();
        }
    }

    /** Sends what is queued; called at the end of each invocation and before a snapshot. */
    public void flush() {
        provider.forceFlush().join(FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    }
}
