package dev.inferbus.events.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.catalog.Trigger;
import dev.inferbus.events.contract.DetailType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One EventBridge rule of the catalog and where it delivers. cpu models are grouped by trigger (one function
 * per trigger); every gpu model gets its own route, so that its queue's concurrency caps its endpoints alone (one
 * per version: the forwarder picks the version, not a rule). A gpu route is named after its model, not an endpoint:
 * the name is the route's constructs' id, and one that followed the live version's endpoint would make a promotion
 * replace the route's rule, function and queue, and a replaced queue is deleted with its messages.
 * The reject route catches requests whose model is missing or unknown, because EventBridge silently drops
 * events that match no rule.
 *
 * @param name a stable id, used for rule, queue, stream and function names
 * @param target what the rule delivers to
 * @param models the catalog entries served by the route (empty for the reject route)
 */
public record Route(String name, Target target, Tier tier, List<ModelSpec> models, List<String> catalogIds) {

    /** What a rule delivers to. */
    public enum Target {
        /** Asynchronous Lambda invoke of the direct handler. */
        FUNCTION,
        /** An SQS queue drained by a batch handler. */
        QUEUE,
        /** A Kinesis stream, partition key {@code $.detail.partitionKey}. */
        STREAM
    }

    public static final String REJECT = "reject";
    /**
     * The function subscribed to the asynchronous endpoints' success and error topics: not a rule's target, so
     * not a route, but named here with the routes' functions.
     */
    public static final String ASYNC_COMPLETION_FUNCTION = "gpu-complete";
    /** The JSON path of the partition key of a stream route's records. */
    public static final String PARTITION_KEY_PATH = "$.detail.partitionKey";

    private static final ObjectMapper JSON = new ObjectMapper();

    public Route {
        models = List.copyOf(models);
        catalogIds = List.copyOf(catalogIds);
    }

    public static List<Route> of(ModelCatalog catalog) {
        Map<String, List<ModelSpec>> groups = new LinkedHashMap<>();
        for (ModelSpec m : catalog.models()) {
            String name = m.tier() == Tier.GPU ? gpuRouteName(m.id()) : "cpu-" + switch (m.trigger()) {
                case EVENTBRIDGE -> "direct";
                case SQS -> "batch";
                case KINESIS -> "stream";
            };
            groups.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
        }
        List<Route> routes = new ArrayList<>();
        groups.forEach((name, models) -> routes.add(
                new Route(name, targetOf(models.get(0).trigger()), models.get(0).tier(), models, catalog.ids())));
        routes.add(new Route(REJECT, Target.FUNCTION, Tier.CPU, List.of(), catalog.ids()));
        return List.copyOf(routes);
    }

    /** The route of the gpu model {@code modelId}: its own, whatever endpoints its versions run on. */
    public static String gpuRouteName(String modelId) {
        return "gpu-" + modelId;
    }

    private static Target targetOf(Trigger trigger) {
        return switch (trigger) {
            case EVENTBRIDGE -> Target.FUNCTION;
            case SQS -> Target.QUEUE;
            case KINESIS -> Target.STREAM;
        };
    }

    /** The function serving the route: the reject route shares the direct function. */
    public String functionName() {
        return isReject() ? "cpu-direct" : name;
    }

    /** The queue a QUEUE route's rule sends to. */
    public String queueName() {
        return "inferbus-" + name;
    }

    /**
     * Where a route's undeliverable work ends: the queue's redrive target, the stream's on-failure destination,
     * or the direct function's asynchronous-invoke dead-letter queue.
     */
    public String deadLetterQueueName() {
        return deadLetterQueueNameOf(functionName());
    }

    /** A function's dead-letter queue. */
    public static String deadLetterQueueNameOf(String function) {
        return "inferbus-" + function + "-dlq";
    }

    /**
     * The catalog's models with a version served by an asynchronous endpoint, whose completions the completion
     * function ends.
     */
    public static List<ModelSpec> asyncModels(ModelCatalog catalog) {
        return catalog.models().stream().filter(m -> m.allVersions().stream()
                        .anyMatch(v -> v.endpoint() != null && v.endpoint().mode() == EndpointSpec.Mode.ASYNC))
                .toList();
    }

    /**
     * A gpu route's SQS event source maximum concurrency: its queue feeds every version's endpoint, each call
     * budget {@link EndpointSpec#callsPerInvocation()} per invocation, so the least of the versions' concurrencies
     * keeps every endpoint within its {@code maxConcurrency}.
     */
    public int eventSourceConcurrency() {
        return models.stream().flatMap(m -> m.allVersions().stream()).map(ModelSpec::endpoint)
                .mapToInt(EndpointSpec::eventSourceConcurrency).min()
                .orElseThrow(() -> new IllegalStateException("route " + name + " forwards to no endpoint"));
    }

    /** The stream a STREAM route's rule puts to. */
    public String streamName() {
        return "inferbus-" + name;
    }

    public boolean isReject() {
        return REJECT.equals(name);
    }

    public List<String> modelIds() {
        return models.stream().map(ModelSpec::id).toList();
    }

    /**
     * The rule's EventBridge event pattern — the only place a pattern is written. A model route matches
     * {@code InferenceRequested} events naming one of its models; the reject route matches those whose
     * {@code detail.model} is anything but a catalog id, or absent.
     */
    public String eventPattern() {
        ObjectNode pattern = JSON.createObjectNode();
        pattern.putArray("detail-type").add(DetailType.REQUESTED);
        if (isReject()) {
            ArrayNode or = pattern.putArray("$or");
            ArrayNode known = or.addObject().putObject("detail").putArray("model").addObject().putArray("anything-but");
            catalogIds.forEach(known::add);
            or.addObject().putObject("detail").putArray("model").addObject().put("exists", false);
        } else {
            ArrayNode ids = pattern.putObject("detail").putArray("model");
            modelIds().forEach(ids::add);
        }
        return pattern.toString();
    }

    /** The largest batch size among the route's models: the event source mapping serves them all. */
    public int batchSize() {
        return models.stream().mapToInt(m -> m.batch().size()).max().orElse(1);
    }

    public int batchWindowSeconds() {
        return models.stream().mapToInt(m -> m.batch().windowSeconds()).max().orElse(0);
    }

    public int memoryMb() {
        return models.stream().mapToInt(m -> m.function().memoryMb()).max().orElse(1024);
    }

    public int timeoutSeconds() {
        return models.stream().mapToInt(m -> m.function().timeoutSeconds()).max().orElse(30);
    }

    public int shards() {
        return models.stream().mapToInt(ModelSpec::shards).max().orElse(0);
    }
}
