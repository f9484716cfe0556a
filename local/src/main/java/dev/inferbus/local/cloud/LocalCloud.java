package dev.inferbus.local.cloud;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.routing.Route;
import dev.inferbus.local.emulators.DynamoDbLocalServer;
import dev.inferbus.local.emulators.ElasticMqServer;
import dev.inferbus.local.emulators.Emulator;
import dev.inferbus.local.emulators.KinesaliteServer;
import dev.inferbus.local.emulators.S3ProxyServer;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.eventbridge.PutEventsServer;
import dev.inferbus.local.lambda.AsyncInvoker;
import dev.inferbus.local.lambda.FunctionSpec;
import dev.inferbus.local.lambda.KinesisEventSource;
import dev.inferbus.local.lambda.SnsDelivery;
import dev.inferbus.local.lambda.SqsEventSource;
import dev.inferbus.local.sagemaker.OnnxTextModels;
import dev.inferbus.local.sagemaker.SageMakerServer;
import dev.inferbus.functions.runtime.ArtifactSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The embedded local cloud: real protocol servers on loopback (DynamoDB Local, ElasticMQ, s3proxy, kinesalite),
 * inferbus' own PutEvents endpoint routing with the catalog's patterns, and the catalog's queues, DLQs, streams,
 * table and bucket — the same resources the CDK app creates. Functions are attached as {@link RequestHandler}s
 * and driven like Lambda's event source mappings.
 */
public final class LocalCloud implements AutoCloseable {

    public static final String TABLE = "inferbus-results";
    public static final String BUCKET = "inferbus-payloads";

    /** Conventional ports of each service, used unless {@code randomPorts}. */
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of(
            "events", 4010, "dynamodb", 8000, "sqs", 9324, "s3", 9000, "kinesis", 4567, "sagemaker", 8080);

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);

    private final ModelCatalog catalog;
    private final Settings settings;
    private final Map<String, Integer> ports;
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Emulator> emulators = new LinkedHashMap<>();
    private final Map<String, List<AutoCloseable>> functions = new LinkedHashMap<>();
    private EventRouter router;
    private AwsClients clients;
    private SageMakerServer sageMaker;
    private PutEventsServer putEvents;
    /** The completion function's invoker: the local stand-in for its subscription to the async endpoints' topics. */
    private final java.util.concurrent.atomic.AtomicReference<AsyncInvoker<?>> completionTarget =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * @param visibilityTimeoutSeconds how long a received message stays hidden; failures reappear after it
     * @param maxReceiveCount receives before a queue's redrive moves a message to its DLQ
     * @param asyncRetryDelay delay before each retry of a failed asynchronous invoke (AWS: about a minute)
     */
    public record Settings(boolean randomPorts, int visibilityTimeoutSeconds, int maxReceiveCount, int kinesisRetryAttempts,
                           Duration asyncRetryDelay) {

        public static Settings defaults() {
            return new Settings(false, 30, 3, 3, Duration.ofSeconds(2));
        }

        public Settings withRandomPorts() {
            return new Settings(true, visibilityTimeoutSeconds, maxReceiveCount, kinesisRetryAttempts, asyncRetryDelay);
        }

        /**
         * Random ports and retries within seconds, for tests that watch redelivery happen. The visibility timeout
         * stays above the longest batching window plus a batch's work, or a message would reappear mid-batch.
         */
        public static Settings forTests() {
            return new Settings(true, 3, 3, 2, Duration.ofMillis(100));
        }
    }

    private LocalCloud(ModelCatalog catalog, Settings settings) {
        this.catalog = catalog;
        this.settings = settings;
        this.ports = ports(settings);
    }

    public static LocalCloud start(ModelCatalog catalog, Settings settings) throws Exception {
        LocalCloud cloud = new LocalCloud(catalog, settings);
        try {
            cloud.startServices();
            cloud.createResources();
        } catch (Exception | Error e) {
            cloud.close();
            throw e;
        }
        return cloud;
    }

    private void startServices() throws Exception {
        // The servers are independent: start them side by side.
        CompletableFuture<Emulator> dynamo = CompletableFuture.supplyAsync(() -> unchecked(() -> DynamoDbLocalServer.start(port("dynamodb"))));
        CompletableFuture<Emulator> sqs = CompletableFuture.supplyAsync(() -> ElasticMqServer.start(port("sqs"),
                AwsClients.REGION, AwsClients.ACCOUNT));
        CompletableFuture<Emulator> s3 = CompletableFuture.supplyAsync(() -> unchecked(() -> S3ProxyServer.start(port("s3"))));
        CompletableFuture<Emulator> kinesis = CompletableFuture.supplyAsync(() -> unchecked(() -> KinesaliteServer.start(port("kinesis"))));
        router = new EventRouter(catalog.routes());
        putEvents = PutEventsServer.start(port("events"), router, catalog.bus(), AwsClients.REGION, AwsClients.ACCOUNT, json);
        register(putEvents);
        Exception failure = null;
        for (CompletableFuture<Emulator> f : List.of(dynamo, sqs, s3, kinesis)) {
            try {
                register(f.join()); // every server that did start is registered, so close() stops it
            } catch (java.util.concurrent.CompletionException e) {
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        clients = new AwsClients(endpoints());
        started.add(clients);
        startSageMaker();
    }

    /** The gpu models' endpoints, each served by its local artifact, when the catalog has any. */
    private void startSageMaker() throws IOException {
        List<ModelSpec> gpu = catalog.models().stream().filter(m -> m.tier() == Tier.GPU).toList();
        if (gpu.isEmpty()) {
            return;
        }
        OnnxTextModels models = OnnxTextModels.load(gpu, ArtifactSource.fromRoot("classpath:"));
        started.add(models);
        sageMaker = SageMakerServer.start(new java.net.InetSocketAddress("127.0.0.1", port("sagemaker")), gpu, models::modelFor, clients.s3(), BUCKET, this::notifyCompletion,
                AwsClients.REGION);
        register(sageMaker);
    }

    /** What SNS does with an async endpoint's notification: invoke the subscribed completion function. */
    private void notifyCompletion(String endpoint, boolean success, String message) {
        String topic = "arn:aws:sns:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT + ":" + endpoint + (success ? "-success" : "-error");
        AsyncInvoker<?> target = completionTarget.get();
        if (target == null) {
            // SNS drops a notification nobody subscribes to
            LOG.warn("no completion function attached; the notification for {} is dropped", endpoint);
            return;
        }
        var event = SnsDelivery.event(json, topic, message);
        target.deliver(event, event.toString());
    }

    private void register(Emulator emulator) {
        emulators.put(emulator.service(), emulator);
        started.add(emulator);
    }

    private void createResources() throws InterruptedException {
        createCatalogResources(clients, catalog, settings);
        for (Route route : catalog.routes()) {
            switch (route.target()) {
                case QUEUE -> {
                    String url = queueUrl(route.queueName());
                    router.target(route.name(), (event, eventJson) -> clients.sqs().sendMessage(b -> b.queueUrl(url).messageBody(eventJson)));
                }
                case STREAM -> router.target(route.name(), (event, eventJson) -> clients.kinesis().putRecord(b -> b
                        .streamName(route.streamName())
                        .partitionKey(partitionKey(event))
                        .data(SdkBytes.fromString(eventJson, StandardCharsets.UTF_8))));
                case FUNCTION -> {
                    // the target is the function's handler, set when it is attached
                }
            }
        }
    }

    /**
     * The catalog's resources on any AWS-compatible endpoints: the results table (TTL on expiresAt), the payload
     * bucket, each route's DLQ, each queue route's queue (redrive to its DLQ) and each stream route's stream.
     */
    public static void createCatalogResources(AwsClients clients, ModelCatalog catalog, Settings settings) throws InterruptedException {
        var dynamo = clients.dynamoDb();
        dynamo.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("requestId").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("requestId").keyType(KeyType.HASH).build()));
        dynamo.updateTimeToLive(b -> b.tableName(TABLE).timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
        clients.s3().createBucket(b -> b.bucket(BUCKET));
        if (!Route.asyncModels(catalog).isEmpty()) {
            createQueue(clients, settings, Route.deadLetterQueueNameOf(Route.ASYNC_COMPLETION_FUNCTION), Map.of());
        }
        for (Route route : catalog.routes()) {
            String dlqUrl = createQueue(clients, settings, route.deadLetterQueueName(), Map.of());
            switch (route.target()) {
                case QUEUE -> {
                    String redrive = "{\"deadLetterTargetArn\":\"" + SqsEventSource.arnOf(clients.sqs(), dlqUrl)
                            + "\",\"maxReceiveCount\":\"" + settings.maxReceiveCount() + "\"}";
                    createQueue(clients, settings, route.queueName(), Map.of(QueueAttributeName.REDRIVE_POLICY, redrive));
                }
                case STREAM -> {
                    clients.kinesis().createStream(b -> b.streamName(route.streamName()).shardCount(route.shards()));
                    awaitStreamActive(clients, route.streamName());
                }
                case FUNCTION -> {
                    // a Lambda target needs no resource beyond its DLQ
                }
            }
        }
    }

    /** The record's partition key: {@code detail.partitionKey}, else the requestId, else the event id. */
    static String partitionKey(com.fasterxml.jackson.databind.JsonNode event) {
        for (String field : new String[] {"partitionKey", "requestId"}) {
            com.fasterxml.jackson.databind.JsonNode value = event.path("detail").path(field);
            if (value.isTextual() && !value.asText().isEmpty()) {
                return value.asText().length() > 256 ? value.asText().substring(0, 256) : value.asText();
            }
        }
        return event.path("id").asText();
    }

    static String createQueue(AwsClients clients, Settings settings, String name, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new LinkedHashMap<>(attributes);
        all.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilityTimeoutSeconds()));
        return clients.sqs().createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    private static void awaitStreamActive(AwsClients clients, String stream) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (clients.kinesis().describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                    .streamStatus() == StreamStatus.ACTIVE) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
    }

    /**
     * Attaches a function's handler to every route it serves: a direct handler ({@code Map} in) as the rule's
     * asynchronous target, a batch handler as the poller of its queue or stream. A handler attached before to
     * the same function is detached first, as a deployment replaces a function's code.
     */
    @SuppressWarnings("unchecked")
    public synchronized void attach(String functionName, RequestHandler<?, ?> handler) {
        detach(functionName);
        if (functionName.equals(Route.ASYNC_COMPLETION_FUNCTION)) {
            String dlqUrl = queueUrl(Route.deadLetterQueueNameOf(functionName));
            AsyncInvoker<SNSEvent> invoker = new AsyncInvoker<>(new FunctionSpec(functionName, 60, 512),
                    (RequestHandler<SNSEvent, ?>) handler, SnsDelivery::decode, clients.sqs(), dlqUrl, settings.asyncRetryDelay(), 4);
            completionTarget.set(invoker);
            functions.put(functionName, List.of(invoker));
            return;
        }
        functions.put(functionName, startEventSources(clients, catalog, settings, json, functionName, handler,
                (route, invoker) -> router.target(route.name(), invoker)));
    }

    /**
     * Starts the event sources of a function on any AWS-compatible endpoints: pollers for its queue and stream
     * routes; for its direct routes an {@link AsyncInvoker}, handed to {@code directTarget} to wire to the bus.
     */
    @SuppressWarnings("unchecked")
    public static List<AutoCloseable> startEventSources(AwsClients clients, ModelCatalog catalog, Settings settings,
                                                        ObjectMapper json, String functionName, RequestHandler<?, ?> handler,
                                                        java.util.function.BiConsumer<Route, AsyncInvoker<?>> directTarget) {
        List<Route> served = catalog.routes().stream().filter(r -> r.functionName().equals(functionName)).toList();
        if (served.isEmpty()) {
            throw new IllegalArgumentException("no route is served by function " + functionName + " (functions: "
                    + catalog.routes().stream().map(Route::functionName).distinct().toList() + ")");
        }
        List<AutoCloseable> sources = new ArrayList<>();
        for (Route route : served) {
            FunctionSpec function = new FunctionSpec(functionName, route.timeoutSeconds(), route.memoryMb());
            String dlqUrl = clients.sqs().getQueueUrl(b -> b.queueName(route.deadLetterQueueName())).queueUrl();
            switch (route.target()) {
                case FUNCTION -> {
                    AsyncInvoker<Map<String, Object>> invoker = new AsyncInvoker<>(function, (RequestHandler<Map<String, Object>, ?>) handler,
                            AsyncInvoker.asMap(json), clients.sqs(), dlqUrl, settings.asyncRetryDelay(), 4);
                    sources.add(invoker);
                    directTarget.accept(route, invoker);
                }
                case QUEUE -> {
                    String url = clients.sqs().getQueueUrl(b -> b.queueName(route.queueName())).queueUrl();
                    // a gpu route's event source concurrency is its share of the endpoint's budget, as in AWS
                    int concurrency = route.tier() == Tier.GPU ? route.models().get(0).endpoint().eventSourceConcurrency() : 1;
                    sources.add(new SqsEventSource(function, (RequestHandler<SQSEvent, SQSBatchResponse>) handler, clients.sqs(),
                            url, SqsEventSource.arnOf(clients.sqs(), url), route.batchSize(),
                            Duration.ofSeconds(route.batchWindowSeconds()), concurrency));
                }
                case STREAM -> sources.add(new KinesisEventSource(function,
                        (RequestHandler<KinesisEvent, StreamsEventResponse>) handler, clients.kinesis(), clients.sqs(),
                        route.streamName(), dlqUrl,
                        new KinesisEventSource.Settings(route.batchSize(), true, settings.kinesisRetryAttempts()), json));
            }
        }
        return sources;
    }

    /** Stops the event sources of a function; events for its direct routes then fail delivery until re-attached. */
    public synchronized void detach(String functionName) {
        if (functionName.equals(Route.ASYNC_COMPLETION_FUNCTION)) {
            completionTarget.set(null);
        }
        catalog.routes().stream()
                .filter(r -> r.functionName().equals(functionName) && r.target() == Route.Target.FUNCTION)
                .forEach(r -> router.untarget(r.name()));
        List<AutoCloseable> sources = functions.remove(functionName);
        if (sources != null) {
            sources.forEach(LocalCloud::closeQuietly);
        }
    }

    /** The result row of a request, read consistently, or empty while there is none. */
    public Optional<Map<String, AttributeValue>> resultRow(String requestId) {
        Map<String, AttributeValue> item = clients.dynamoDb().getItem(b -> b.tableName(TABLE)
                .key(Map.of("requestId", AttributeValue.fromS(requestId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Delivers every bus event matching {@code pattern} to {@code target} as well (a rule of one's own). */
    public void observe(String name, String pattern, dev.inferbus.local.eventbridge.RouteTarget target) {
        router.addRule(name, pattern, target);
    }

    public String queueUrl(String queueName) {
        return clients.sqs().getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    }

    public Endpoints endpoints() {
        Map<String, java.net.URI> byService = new LinkedHashMap<>();
        for (String service : List.of("events", "dynamodb", "sqs", "s3", "kinesis", "sagemaker")) {
            Emulator emulator = emulators.get(service);
            if (emulator != null) {
                byService.put(service, emulator.endpoint());
            }
        }
        return new Endpoints(byService);
    }

    public AwsClients clients() {
        return clients;
    }

    /** The local EventBridge endpoint: its fault switch. */
    public PutEventsServer putEvents() {
        return putEvents;
    }

    /** The local SageMaker endpoints, when the catalog has gpu models: their statistics and fault switches. */
    public Optional<SageMakerServer> sageMaker() {
        return Optional.ofNullable(sageMaker);
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public EventRouter.Stats routing() {
        return router.stats();
    }

    private int port(String service) {
        return ports.get(service);
    }

    /**
     * Each service's port: the conventional ones, or free loopback ports held open together while they are
     * chosen, so that no two services (started side by side) are handed the same one.
     */
    private static Map<String, Integer> ports(Settings settings) {
        if (!settings.randomPorts()) {
            return DEFAULT_PORTS;
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String service : DEFAULT_PORTS.keySet()) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(socket);
                ports.put(service, socket.getLocalPort());
            }
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback", e);
        } finally {
            held.forEach(LocalCloud::closeQuietly);
        }
        return ports;
    }

    private interface Start<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(Start<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Override
    public void close() {
        List.copyOf(functions.keySet()).forEach(this::detach);
        for (AutoCloseable resource : started.reversed()) {
            closeQuietly(resource);
        }
        started.clear();
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // stopping the rest matters more than one server's complaint
        }
    }
}
