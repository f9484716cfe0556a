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
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.events.targets.KinesisStream;
import software.amazon.awscdk.services.events.targets.KinesisStreamProps;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The cpu tier: one function per cpu route (the reject route shares the direct function) on the handlers
 * artifact, Java 21 with SnapStart on published versions behind an alias {@code live}, and each route's
 * delivery — a queue with its DLQ and event source, a stream with its event source and on-failure queue, or an
 * asynchronous invoke with retries and a DLQ.
 */
public final class CpuInference extends Construct implements InferenceTier {

    public static final String ALIAS = InferenceFunctions.ALIAS;
    public static final int MAX_RECEIVE_COUNT = InferenceFunctions.MAX_RECEIVE_COUNT;
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
                    Queue queue = InferenceFunctions.queue(this, route, dlq);
                    queues.put(route.name(), queue);
                    bus.addRoute(route, new SqsQueue(queue));
                    alias.addEventSource(InferenceFunctions.queueSource(queue, route, null));
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
        Queue dlq = InferenceFunctions.deadLetterQueue(this, route.functionName());
        deadLetterQueues.add(dlq);
        return dlq;
    }

    private Alias function(ModelCatalog catalog, String name, Code code, Architecture architecture, InferenceBus bus, ResultStore store) {
        List<Route> served = catalog.routes().stream().filter(r -> r.functionName().equals(name)).toList();
        List<String> models = served.stream().flatMap(r -> r.models().stream()).map(ModelSpec::id).distinct().toList();
        String handler = switch (served.get(0).target()) {
            case FUNCTION -> "DirectHandler";
            case QUEUE -> "SqsBatchHandler";
            case STREAM -> "KinesisBatchHandler";
        };
        return InferenceFunctions.function(this, name, handler, models, served.stream().mapToInt(Route::memoryMb).max().orElse(1024),
                served.stream().mapToInt(Route::timeoutSeconds).max().orElse(30), code, architecture, bus, store,
                served.stream().flatMap(r -> r.models().stream()).anyMatch(m -> m.cache() != null) ? store.cacheTable() : null);
    }

    @Override
    public Map<String, Alias> functions() {
        return functions;
    }

    @Override
    public List<Queue> deadLetterQueues() {
        return deadLetterQueues;
    }

    @Override
    public Map<String, Queue> queues() {
        return queues;
    }

    @Override
    public List<Stream> streams() {
        return streams;
    }
}
