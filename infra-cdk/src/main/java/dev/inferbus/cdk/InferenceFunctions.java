package dev.inferbus.cdk;

import dev.inferbus.events.contract.EventCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import dev.inferbus.events.routing.Route;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * How every inferbus function, queue and dead-letter queue is made, whichever tier it serves: one handlers
 * artifact, Java 21 with SnapStart behind the alias {@code live}, the same environment and the same
 * least-privilege grants on the result store, the payload bucket and the bus.
 */
final class InferenceFunctions {

    static final String ALIAS = "live";
    /** The tag naming a function as the catalog's routes do ({@code cpu-direct}, {@code gpu-<model>}, …). */
    public static final String FUNCTION_TAG = "inferbus:function";
    /** SQS redelivers a message this many times before its DLQ takes it. */
    static final int MAX_RECEIVE_COUNT = 3;

    private InferenceFunctions() {
    }

    /**
     * The CDK context key naming a Lambda layer of an OpenTelemetry collector (ADOT's collector layer for the stack's
     * region and architecture): with it, each function sends its spans over OTLP/HTTP to that collector, whose default
     * configuration exports them to X-Ray (https://aws-otel.github.io/docs/getting-started/lambda/lambda-custom-configuration).
     * Without it, the functions still make spans (results continue the request's trace) and send none; Lambda's own
     * active-tracing segments are there either way. A layer ARN is region- and version-specific, so it is the
     * deployer's to give: {@code cdk deploy -c otelCollectorLayerArn=arn:aws:lambda:…}.
     */
    static final String OTEL_COLLECTOR_LAYER = "otelCollectorLayerArn";
    /** Where a collector layer's OTLP/HTTP receiver listens inside the execution environment. */
    static final String OTEL_COLLECTOR_ENDPOINT = "http://localhost:4318";

    private static void exportSpans(Function function) {
        Object layer = function.getNode().tryGetContext(OTEL_COLLECTOR_LAYER);
        if (layer != null && !layer.toString().isBlank()) {
            function.addLayers(LayerVersion.fromLayerVersionArn(function, "OtelCollector", layer.toString()));
            // OpenTelemetry's own variable, which the functions' Tracing reads
            function.addEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", OTEL_COLLECTOR_ENDPOINT);
        }
    }

    /** A function on the handlers artifact; {@code handler} names its handler class. */
    static Alias function(Construct scope, String name, String handler, List<String> models, int memoryMb, int timeoutSeconds,
                          Code code, Architecture architecture, InferenceBus bus, ResultStore store) {
        return function(scope, name, handler, models, memoryMb, timeoutSeconds, code, architecture, bus, store, null);
    }

    /** @param cacheTable the result cache's table where the function serves a cached model, else null */
    static Alias function(Construct scope, String name, String handler, List<String> models, int memoryMb, int timeoutSeconds,
                          Code code, Architecture architecture, InferenceBus bus, ResultStore store, Table cacheTable) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("INFERBUS_MODELS", String.join(",", models));
        env.put("INFERBUS_CATALOG", store.catalogLocation());
        env.put("INFERBUS_MODEL_ROOT", store.artifactRoot());
        env.put("INFERBUS_TABLE", store.table().getTableName());
        env.put("INFERBUS_BUS", bus.bus().getEventBusName());
        env.put("INFERBUS_BUCKET", store.bucket().getBucketName());
        env.put("INFERBUS_CLAIM_CHECK_PREFIX", EventCodec.DEFAULT_CLAIM_CHECK_PREFIX);
        if (cacheTable != null) {
            env.put("INFERBUS_CACHE_TABLE", cacheTable.getTableName());
        }
        Function function = Function.Builder.create(scope, "Function-" + name)
                .description("inferbus " + name + " serving " + models)
                .runtime(Runtime.JAVA_21)
                .architecture(architecture)
                .handler("dev.inferbus.functions.handler." + handler + "::handleRequest")
                .code(code)
                .memorySize(memoryMb)
                .timeout(Duration.seconds(timeoutSeconds))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(env)
                // X-Ray samples every invocation's segment, with the trace header Lambda got from SQS/EventBridge, so
                // the service map links bus, queue, function and endpoint
                // (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html)
                .tracing(Tracing.ACTIVE)
                // JSON lines, filtered by level in Lambda itself; the runtime reads both as AWS_LAMBDA_LOG_FORMAT and
                // AWS_LAMBDA_LOG_LEVEL (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html)
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.INFO)
                .build();
        exportSpans(function);
        function.getNode().addDependency(store.models());
        // the catalog's name for the function, beside CloudFormation's generated one: the local cloud and operators find it by this
        software.amazon.awscdk.Tags.of(function).add(FUNCTION_TAG, name);
        store.table().grant(function, "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem");
        if (cacheTable != null) {
            // the cache reads and writes in batches only (ResultCache)
            cacheTable.grant(function, "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem");
        }
        // Exact actions on exact prefixes (CDK's grantRead would add s3:GetObject*, s3:List*, s3:GetBucket*).
        grantObjects(function, store, "s3:GetObject", ResultStore.MODELS_PREFIX, EventCodec.DEFAULT_CLAIM_CHECK_PREFIX);
        grantObjects(function, store, "s3:PutObject", "results/");
        // Without ListBucket, S3 answers 403 for a missing claim check, which would look transient and be retried.
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:ListBucket"))
                .resources(List.of(store.bucket().getBucketArn())).build());
        bus.bus().grantPutEventsTo(function);
        // SnapStart publishes versions; the alias below points at the current one.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "The function is invoked only through its alias 'live', which points at a published version.");
        Nag.acknowledgeFunction(function, store.bucketLogicalId());
        return Alias.Builder.create(scope, "Alias-" + name).aliasName(ALIAS).version(function.getCurrentVersion()).build();
    }

    /** Grants one S3 action on the objects under each prefix of the payload bucket. */
    static void grantObjects(IGrantable grantee, ResultStore store, String action, String... prefixes) {
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create().actions(List.of(action))
                .resources(java.util.Arrays.stream(prefixes).map(p -> store.bucket().arnForObjects(p + "*")).toList()).build());
    }

    static Queue deadLetterQueue(Construct scope, String functionName) {
        Queue dlq = Queue.Builder.create(scope, "Dlq-" + functionName)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Nag.acknowledge(dlq, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue; its messages are kept 14 days and alarmed on.");
        return dlq;
    }

    /** A queue route's queue, redriving to {@code dlq}. */
    static Queue queue(Construct scope, Route route, Queue dlq) {
        return Queue.Builder.create(scope, "Queue-" + route.name())
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // Lambda's advice: at least six times the function timeout, so a batch in flight never reappears
                .visibilityTimeout(Duration.seconds(6L * route.timeoutSeconds()))
                .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(MAX_RECEIVE_COUNT).build())
                .build();
    }

    /** The event source draining a queue route; {@code maxConcurrency} null leaves Lambda's default. */
    static SqsEventSource queueSource(Queue queue, Route route, Integer maxConcurrency) {
        return new SqsEventSource(queue, SqsEventSourceProps.builder()
                .batchSize(route.batchSize())
                .maxBatchingWindow(route.batchWindowSeconds() > 0 ? Duration.seconds(route.batchWindowSeconds()) : null)
                .reportBatchItemFailures(true)
                .maxConcurrency(maxConcurrency)
                .build());
    }
}
