package dev.inferbus.local.cloud;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.routing.Route;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.lambda.AsyncInvoker;
import dev.inferbus.local.lambda.Invoker;
import dev.inferbus.local.lambda.KinesisEventSource;
import dev.inferbus.local.lambda.SqsEventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.services.eventbridge.model.KinesisParameters;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * LocalStack (through Testcontainers) as a test backend, for the cloud contract only: unlike the embedded cloud it
 * creates the catalog's routes itself rather than deploying the template (that would be {@code cdklocal deploy}). The catalog's rules are created on LocalStack's own
 * EventBridge with the same {@link Route#eventPattern()}s; its queue and stream targets are LocalStack's. A
 * direct route's rule targets a queue that a local poller drains into the direct handler, since LocalStack's
 * Lambda would need the function deployed as a container.
 */
final class LocalStackBackend implements CloudBackend {

    static final String IMAGE = "localstack/localstack:4.9";
    static final String AUTH_TOKEN = "LOCALSTACK_AUTH_TOKEN";

    private final LocalStackContainer container;
    private final ModelCatalog catalog;
    private final AwsClients clients;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<AutoCloseable>> functions = new HashMap<>();

    private LocalStackBackend(LocalStackContainer container, ModelCatalog catalog) {
        this.container = container;
        this.catalog = catalog;
        Map<String, java.net.URI> endpoints = new java.util.LinkedHashMap<>();
        for (String service : List.of("events", "dynamodb", "sqs", "s3", "kinesis")) {
            endpoints.put(service, container.getEndpoint());
        }
        this.clients = new AwsClients(new Endpoints(endpoints));
    }

    /** Why LocalStack cannot run here, or empty when a Docker engine answers. */
    static Optional<String> dockerUnavailableReason() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.of("no Docker engine is reachable from this machine (and LocalStack's image needs "
                        + AUTH_TOKEN + (System.getenv(AUTH_TOKEN) == null ? ", which is not set either)" : ", which is set)"));
            }
            return System.getenv(AUTH_TOKEN) == null
                    ? Optional.of(AUTH_TOKEN + " is not set (LocalStack's image has required an auth token since March 2026)")
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("no Docker engine is reachable (" + e.getMessage() + ")");
        }
    }

    static LocalStackBackend start(ModelCatalog catalog) {
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("events", "sqs", "kinesis", "dynamodb", "s3");
        // LocalStack's image has required an auth token since March 2026
        Optional.ofNullable(System.getenv(AUTH_TOKEN)).ifPresent(token -> container.withEnv(AUTH_TOKEN, token));
        container.start();
        LocalStackBackend backend = new LocalStackBackend(container, catalog);
        try {
            backend.createResourcesAndRules();
        } catch (Exception e) {
            backend.close();
            throw new IllegalStateException("LocalStack resources could not be created", e);
        }
        return backend;
    }

    private void createResourcesAndRules() throws InterruptedException {
        clients.dynamoDb().createTable(b -> b.tableName(tableName()).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("requestId").attributeType("S"))
                .keySchema(k -> k.attributeName("requestId").keyType("HASH")));
        clients.s3().createBucket(b -> b.bucket(bucketName()));
        var events = clients.events();
        events.createEventBus(b -> b.name(catalog.bus()));
        for (Route route : catalog.routes()) {
            String dlq = createQueue(route.deadLetterQueueName(), Map.of());
            events.putRule(b -> b.name("inferbus-" + route.name()).eventBusName(catalog.bus()).eventPattern(route.eventPattern()));
            Target.Builder target = Target.builder().id(route.name());
            switch (route.target()) {
                case QUEUE -> {
                    String redrive = "{\"deadLetterTargetArn\":\"" + queueArn(dlq) + "\",\"maxReceiveCount\":\"3\"}";
                    target.arn(queueArn(createQueue(route.queueName(), Map.of(QueueAttributeName.REDRIVE_POLICY, redrive))));
                }
                case STREAM -> {
                    clients.kinesis().createStream(b -> b.streamName(route.streamName()).shardCount(route.shards()));
                    Thread.sleep(1000);
                    target.arn(clients.kinesis().describeStreamSummary(b -> b.streamName(route.streamName()))
                                    .streamDescriptionSummary().streamARN())
                            .kinesisParameters(KinesisParameters.builder().partitionKeyPath(Route.PARTITION_KEY_PATH).build());
                }
                case FUNCTION -> target.arn(queueArn(createQueue(directQueue(route), Map.of())));
            }
            events.putTargets(b -> b.rule("inferbus-" + route.name()).eventBusName(catalog.bus()).targets(target.build()));
        }
    }

    private String createQueue(String name, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new java.util.LinkedHashMap<>(attributes);
        all.put(QueueAttributeName.VISIBILITY_TIMEOUT, "5");
        return clients.sqs().createQueue(b -> b.queueName(name).attributes(all)).queueUrl();
    }

    private static String directQueue(Route route) {
        return "inferbus-" + route.name() + "-invoke";
    }

    private String queueArn(String nameOrUrl) {
        String url = nameOrUrl.startsWith("http") ? nameOrUrl : clients.sqs().getQueueUrl(b -> b.queueName(nameOrUrl)).queueUrl();
        return SqsEventSource.arnOf(clients.sqs(), url);
    }

    @Override
    public String name() {
        return "localstack";
    }

    @Override
    public AwsClients clients() {
        return clients;
    }

    @Override
    public String tableName() {
        return "inferbus-results";
    }

    @Override
    public String bucketName() {
        return "inferbus-payloads";
    }

    @Override
    public String busName() {
        return catalog.bus();
    }

    /**
     * The test function drains its route the way Lambda would: a queue or stream through the local event source
     * pollers against LocalStack, a direct route through a queue its rule targets (LocalStack's Lambda would need
     * the function deployed as a container).
     */
    @Override
    public synchronized void attach(String functionName, Invoker invoker) {
        List<AutoCloseable> old = functions.remove(functionName);
        if (old != null) {
            old.forEach(LocalStackBackend::closeQuietly);
        }
        List<AutoCloseable> sources = new ArrayList<>();
        for (Route route : catalog.routes().stream().filter(r -> r.functionName().equals(functionName)).toList()) {
            String dlqUrl = clients.sqs().getQueueUrl(b -> b.queueName(route.deadLetterQueueName())).queueUrl();
            String arn = "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
            switch (route.target()) {
                case QUEUE -> sources.add(new SqsEventSource(functionName, invoker, clients.sqs(), queueUrl(route.queueName()),
                        queueArn(route.queueName()), AwsClients.REGION, new SqsEventSource.Settings(route.batchSize(),
                        Duration.ofSeconds(route.batchWindowSeconds()), 1, true)));
                case STREAM -> sources.add(new KinesisEventSource(functionName, arn, AwsClients.REGION, invoker, clients.kinesis(),
                        clients.sqs(), route.streamName(), dlqUrl, new KinesisEventSource.Settings(route.batchSize(), true, 2, true), json));
                case FUNCTION -> {
                    AsyncInvoker async = new AsyncInvoker(functionName, arn, invoker, clients.sqs(),
                            new AsyncInvoker.Config(2, Duration.ofMillis(200), dlqUrl), 2);
                    sources.add(async);
                    Invoker drain = payload -> {
                        for (var m : read(payload).path("Records")) {
                            async.submit(m.path("body").asText());
                        }
                        return new dev.inferbus.local.lambda.runtime.InvocationResult.Success("{}", 0);
                    };
                    sources.add(new SqsEventSource(functionName + "-drain", drain, clients.sqs(), queueUrl(directQueue(route)),
                            queueArn(directQueue(route)), AwsClients.REGION, new SqsEventSource.Settings(10, Duration.ZERO, 1, false)));
                }
            }
        }
        functions.put(functionName, sources);
    }

    @Override
    public String deadLetterQueueUrl(String functionName) {
        return queueUrl("inferbus-" + functionName + "-dlq");
    }

    private String queueUrl(String queueName) {
        return clients.sqs().getQueueUrl(b -> b.queueName(queueName)).queueUrl();
    }

    private com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return this.json.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<EventRouter.Stats> routing() {
        return Optional.empty();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // stopping the rest matters more
        }
    }

    @Override
    public void close() {
        functions.values().forEach(list -> list.forEach(LocalStackBackend::closeQuietly));
        clients.close();
        container.stop();
    }
}
