package dev.inferbus.functions.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.contrib.awsxray.propagator.AwsXrayPropagator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;

/**
 * A CLIENT span for each AWS SDK call (its retries included), a child of the span current where the call is made,
 * with the attributes the X-Ray exporter reads to draw the service called as an AWS node of the service map:
 * {@code rpc.system=aws-api} makes the subsegment's namespace {@code aws}, {@code rpc.service} names the node,
 * {@code rpc.method} is its operation, {@code aws.request_id} and {@code aws.dynamodb.table_names} fill its {@code aws}
 * object (https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/exporter/awsxrayexporter; the
 * fields: https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html#api-segmentdocuments-aws).
 * Names and attributes follow OpenTelemetry's AWS SDK conventions
 * (https://opentelemetry.io/docs/specs/semconv/cloud-providers/aws-sdk/): the span is {@code Service.Operation} and
 * the service is the SDK's own name for it ({@code DynamoDb}, {@code S3}, {@code EventBridge}, {@code SageMakerRuntime}).
 * The request carries the span on in its {@code X-Amzn-Trace-Id} header, as X-Ray's own SDK does, so that the bus
 * continues the trace into what its rules deliver.
 *
 * <p>Written here rather than taken from OpenTelemetry's {@code opentelemetry-aws-sdk-2.2}: the releases of it Maven
 * Central serves this build (up to 2.29.0-alpha) call classes of the OpenTelemetry API that 1.67, which the X-Ray
 * propagator pins, moved or removed ({@code api.internal.InstrumentationUtil}, {@code api.internal.ConfigUtil}).
 */
final class AwsCallSpans implements ExecutionInterceptor {

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("aws.request_id");
    static final AttributeKey<List<String>> TABLE_NAMES = AttributeKey.stringArrayKey("aws.dynamodb.table_names");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    /** What the SDK reports for a response that named no request id. */
    private static final String UNKNOWN = "UNKNOWN";
    private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("inferbus.aws-call-span");

    private final Tracer tracer;

    AwsCallSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Runs on the thread that makes the call, asynchronous clients included: the caller's span is current here. */
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        var span = tracer.spanBuilder(service + "." + operation).setSpanKind(SpanKind.CLIENT)
                .setAttribute(RPC_SYSTEM, "aws-api").setAttribute(RPC_SERVICE, service).setAttribute(RPC_METHOD, operation);
        Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        if (region != null) {
            span.setAttribute(CLOUD_REGION, region.id());
        }
        List<String> tables = tables(context.request());
        if (!tables.isEmpty()) {
            span.setAttribute(TABLE_NAMES, tables);
        }
        attributes.putAttribute(SPAN, span.startSpan());
    }

    /** The tables a DynamoDB request names: its {@code TableName}, or the keys of a batch's {@code RequestItems}. */
    private static List<String> tables(SdkRequest request) {
        Optional<String> table = request.getValueForField("TableName", String.class);
        if (table.isPresent()) {
            return List.of(table.get());
        }
        return request.getValueForField("RequestItems", Map.class)
                .map(items -> ((Map<?, ?>) items).keySet().stream().map(String::valueOf).sorted().toList()).orElse(List.of());
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null || !span.getSpanContext().isValid()) {
            return context.httpRequest();
        }
        SdkHttpRequest.Builder request = context.httpRequest().toBuilder();
        AwsXrayPropagator.getInstance().inject(io.opentelemetry.context.Context.root().with(span), request,
                (carrier, name, value) -> carrier.putHeader(name, value));
        return request.build();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null) {
            return;
        }
        if (context.response() instanceof AwsResponse response) {
            requestId(span, response.responseMetadata().requestId());
        }
        span.setAttribute(STATUS, (long) context.httpResponse().statusCode());
        span.end();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null) {
            return;
        }
        Throwable failure = context.exception();
        if (failure instanceof SdkServiceException service) {
            requestId(span, service.requestId());
            span.setAttribute(STATUS, (long) service.statusCode());
        }
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        span.end();
    }

    private static void requestId(Span span, String id) {
        if (id != null && !id.isBlank() && !UNKNOWN.equals(id)) {
            span.setAttribute(REQUEST_ID, id);
        }
    }
}
