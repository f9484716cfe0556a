package dev.inferbus.local.cloud;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.routing.Route;
import dev.inferbus.local.eventbridge.EventRouter;
import dev.inferbus.local.lambda.FunctionSpec;
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

/**
 * LocalStack (through Testcontainers) as a test backend. The catalog's rules are created on LocalStack's own
 * EventBridge with the same {@link Route#eventPattern()}s; its queue and stream targets are LocalStack's. A
 * direct route's rule targets a queue that a local poller drains into the direct handler, since LocalStack's
 * Lambda would need the function deployed as a container.
 */
final class LocalStackBackend implements CloudBackend {

    static final String IMAGE = "localstack/localstack:4.9";

    private final LocalStackContainer container;
    private final ModelCatalog catalog;
    private final AwsClients clients;
    private final LocalCloud.Settings settings = LocalCloud.Settings.forTests();
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
            return DockerClientFactory.instance().isDockerAvailable() ? Optional.empty()
                    : Optional.of("no Docker engine is reachable from this machine");
        } catch (RuntimeException e) {
            return Optional.of("no Docker engine is reachable (" + e.getMessage() + ")");
        }
    }

    static LocalStackBackend start(ModelCatalog catalog) {
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("events", "sqs", "kinesis", "dynamodb", "s3");
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
        LocalCloud.createCatalogResources(clients, catalog, settings);
        var events = clients.events();
        events.createEventBus(b -> b.name(catalog.bus()));
        for (Route route : catalog.routes()) {
            events.putRule(b -> b.name("inferbus-" + route.name()).eventBusName(catalog.bus()).eventPattern(route.eventPattern()));
            Target.Builder target = Target.builder().id(route.name());
            switch (route.target()) {
                case QUEUE -> target.arn(queueArn(route.queueName()));
                case STREAM -> target.arn(clients.kinesis().describeStreamSummary(b -> b.streamName(route.streamName()))
                                .streamDescriptionSummary().streamARN())
                        .kinesisParameters(KinesisParameters.builder().partitionKeyPath(Route.PARTITION_KEY_PATH).build());
                case FUNCTION -> target.arn(queueArn(LocalCloud.createQueue(clients, settings, directQueue(route), Map.of())));
            }
            events.putTargets(b -> b.rule("inferbus-" + route.name()).eventBusName(catalog.bus()).targets(target.build()));
        }
    }

    private static String directQueue(Route route) {
        return "inferbus-" + route.name() + "-invoke";
    }

    private String queueArn(String nameOrUrl) {
        String url = nameOrUrl.startsWith("http") ? nameOrUrl : queueUrl(nameOrUrl);
        return SqsEventSource.arnOf(clients.sqs(), url);
    }

    @Override
    public String name() {
        return "localstack";
    }

    @Override
    public ModelCatalog catalog() {
        return catalog;
    }

    @Override
    public AwsClients clients() {
        return clients;
    }

    @Override
    public synchronized void attach(String functionName, RequestHandler<?, ?> handler) {
        List<AutoCloseable> old = functions.remove(functionName);
        if (old != null) {
            old.forEach(LocalStackBackend::closeQuietly);
        }
        List<AutoCloseable> sources = new ArrayList<>();
        sources.addAll(LocalCloud.startEventSources(clients, catalog, settings, json, functionName, handler, (route, invoker) -> {
            // drain the rule's queue into the invoker, as Lambda's async invoke would take the event
            String url = queueUrl(directQueue(route));
            RequestHandler<SQSEvent, SQSBatchResponse> drain = (event, context) -> {
                for (SQSEvent.SQSMessage m : event.getRecords()) {
                    try {
                        invoker.deliver(json.readTree(m.getBody()), m.getBody());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
            };
            sources.add(new SqsEventSource(new FunctionSpec(functionName + "-drain", 30, 128), drain, clients.sqs(), url,
                    queueArn(url), 10, Duration.ZERO, 1));
        }));
        functions.put(functionName, sources);
    }

    @Override
    public String queueUrl(String queueName) {
        return clients.sqs().getQueueUrl(b -> b.queueName(queueName)).queueUrl();
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
