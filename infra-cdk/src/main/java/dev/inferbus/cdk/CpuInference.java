package dev.inferbus.cdk;

import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.routing.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.events.targets.KinesisStream;
import software.amazon.awscdk.services.events.targets.KinesisStreamProps;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The cpu tier: one function per cpu route (the reject route shares the direct function) on the handlers
 * artifact, Java 21 with SnapStart on published versions behind an alias {@code live}, and each route's
 * delivery — a queue with its DLQ and event source, a stream with its event source and on-failure queue, or an
 * asynchronous invoke with retries and a DLQ.
 */
public final class CpuInference extends Construct {

    public static final String ALIAS = "live";
    /** SQS redelivers a message this many times before its DLQ takes it. */
    public static final int MAX_RECEIVE_COUNT = 3;
    public static final int KINESIS_RETRY_ATTEMPTS = 3;

    private final Map<String, Alias> functions = new LinkedHashMap<>();
    private final List<Queue> deadLetterQueues = new ArrayList<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final List<Stream> streams = new ArrayList<>();
    private final java.util.Set<String> asyncConfigured = new java.util.HashSet<>();

    public CpuInference(Construct scope, String id, ModelCatalog catalog, InferenceBus bus, ResultStore store,
                        Path functionsZip, Architecture architecture) {
        super(scope, id);
        Code code = Code.fromAsset(functionsZip.toString());
        for (Route route : catalog.routes()) {
            if (route.tier() != Tier.CPU) {
                continue;
            }
            Alias alias = functions.computeIfAbsent(route.functionName(),
                    name -> function(catalog, name, code, architecture, bus, store));
            Queue dlq = deadLetterQueue(route);
            switch (route.target()) {
                case FUNCTION -> {
                    if (asyncConfigured.add(route.functionName())) {
                        alias.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                                .retryAttempts(2).maxEventAge(Duration.hours(6)).onFailure(new SqsDestination(dlq)).build());
                    }
                    bus.addRoute(route, new LambdaFunction(alias, LambdaFunctionProps.builder()
                            .deadLetterQueue(dlq).retryAttempts(185).maxEventAge(Duration.hours(24)).build()));
                }
                case QUEUE -> {
                    Queue queue = Queue.Builder.create(this, "Queue-" + route.name())
                            .encryption(QueueEncryption.SQS_MANAGED)
                            .enforceSsl(true)
                            // Lambda's advice: at least six times the function timeout, so a batch in flight never reappears
                            .visibilityTimeout(Duration.seconds(6L * route.timeoutSeconds()))
                            .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(MAX_RECEIVE_COUNT).build())
                            .build();
                    queues.put(route.name(), queue);
                    bus.addRoute(route, new SqsQueue(queue));
                    alias.addEventSource(new SqsEventSource(queue, SqsEventSourceProps.builder()
                            .batchSize(route.batchSize())
                            .maxBatchingWindow(route.batchWindowSeconds() > 0 ? Duration.seconds(route.batchWindowSeconds()) : null)
                            .reportBatchItemFailures(true)
                            .build()));
                }
                case STREAM -> {
                    Stream stream = Stream.Builder.create(this, "Stream-" + route.name())
                            .shardCount(route.shards())
                            .encryption(StreamEncryption.MANAGED)
                            .retentionPeriod(Duration.hours(24))
                            .build();
                    streams.add(stream);
                    bus.addRoute(route, new KinesisStream(stream, KinesisStreamProps.builder()
                            .partitionKeyPath(Route.PARTITION_KEY_PATH).build()));
                    alias.addEventSource(new KinesisEventSource(stream, KinesisEventSourceProps.builder()
                            .startingPosition(StartingPosition.TRIM_HORIZON)
                            .batchSize(route.batchSize())
                            .bisectBatchOnError(true)
                            .reportBatchItemFailures(true)
                            .retryAttempts(KINESIS_RETRY_ATTEMPTS)
                            .maxRecordAge(Duration.hours(1))
                            .parallelizationFactor(1)
                            .onFailure(new SqsDlq(dlq))
                            .build()));
                }
            }
        }
    }

    private Queue deadLetterQueue(Route route) {
        Queue existing = deadLetterQueues.stream()
                .filter(q -> q.getNode().getId().equals("Dlq-" + route.functionName())).findFirst().orElse(null);
        if (existing != null) {
            return existing;
        }
        Queue dlq = Queue.Builder.create(this, "Dlq-" + route.functionName())
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Nag.acknowledge(dlq, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue; its messages are kept 14 days and alarmed on.");
        deadLetterQueues.add(dlq);
        return dlq;
    }

    private Alias function(ModelCatalog catalog, String name, Code code, Architecture architecture, InferenceBus bus, ResultStore store) {
        List<Route> served = catalog.routes().stream().filter(r -> r.functionName().equals(name)).toList();
        List<String> models = served.stream().flatMap(r -> r.models().stream()).map(ModelSpec::id).distinct().toList();
        Route first = served.get(0);
        String handler = switch (first.target()) {
            case FUNCTION -> "dev.inferbus.functions.handler.DirectHandler";
            case QUEUE -> "dev.inferbus.functions.handler.SqsBatchHandler";
            case STREAM -> "dev.inferbus.functions.handler.KinesisBatchHandler";
        };
        Map<String, String> env = new LinkedHashMap<>();
        env.put("INFERBUS_MODELS", String.join(",", models));
        env.put("INFERBUS_CATALOG", store.modelRoot() + "catalog.yaml");
        env.put("INFERBUS_MODEL_ROOT", store.modelRoot());
        env.put("INFERBUS_TABLE", store.table().getTableName());
        env.put("INFERBUS_BUS", bus.bus().getEventBusName());
        env.put("INFERBUS_BUCKET", store.bucket().getBucketName());
        Function function = Function.Builder.create(this, "Function-" + name)
                .description("inferbus " + name + " serving " + models)
                .runtime(Runtime.JAVA_21)
                .architecture(architecture)
                .handler(handler + "::handleRequest")
                .code(code)
                .memorySize(served.stream().mapToInt(Route::memoryMb).max().orElse(1024))
                .timeout(Duration.seconds(served.stream().mapToInt(Route::timeoutSeconds).max().orElse(30)))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(env)
                .build();
        function.getNode().addDependency(store.models());
        store.table().grant(function, "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem");
        // Exact actions on exact prefixes (CDK's grantRead would add s3:GetObject*, s3:List*, s3:GetBucket*).
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:GetObject"))
                .resources(List.of(store.bucket().arnForObjects(ResultStore.MODELS_PREFIX + "*"), store.bucket().arnForObjects("in/*"))).build());
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:PutObject"))
                .resources(List.of(store.bucket().arnForObjects("results/*"))).build());
        // Without ListBucket, S3 answers 403 for a missing claim check, which would look transient and be retried.
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("s3:ListBucket"))
                .resources(List.of(store.bucket().getBucketArn())).build());
        bus.bus().grantPutEventsTo(function);
        // SnapStart publishes versions; the alias below points at the current one.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "The function is invoked only through its alias 'live', which points at a published version.");
        Nag.acknowledgeFunction(function, store.bucketLogicalId());
        return Alias.Builder.create(this, "Alias-" + name).aliasName(ALIAS).version(function.getCurrentVersion()).build();
    }

    public Map<String, Alias> functions() {
        return functions;
    }

    public List<Queue> deadLetterQueues() {
        return deadLetterQueues;
    }

    public Map<String, Queue> queues() {
        return queues;
    }

    public List<Stream> streams() {
        return streams;
    }
}
