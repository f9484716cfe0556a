package dev.inferbus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.cloud.AwsClients;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.lambda.LambdaEvents;
import dev.inferbus.local.lambda.runtime.EnvironmentStats;
import dev.inferbus.local.lambda.runtime.FunctionPool;
import dev.inferbus.local.lambda.runtime.InvocationResult;
import dev.inferbus.local.template.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 17's honest figures from one local cloud, every function a process of the deployment zip: P3' (cold init per
 * function, process start → first answer, and the first invocation after priming against warm ones), P4' (put→row per
 * route, one route at a time, at each rate) and the usage P6 prices, measured around each route's run at 100 events/s.
 */
final class RouteBench implements AutoCloseable {

    static final int COST_RATE = 100;
    private static final String FUNCTION_TAG = "inferbus:function";

    /** A cpu route: its function, the model it serves, and the target its put→row p99 is held to. */
    record Route(String function, String model) {
    }

    static final List<Route> ROUTES = List.of(new Route("cpu-direct", "fraud-scorer"),
            new Route("cpu-batch", "sentence-embedder"), new Route("cpu-stream", "sensor-anomaly"));

    /** One route at one rate. */
    record Latency(Route route, EndToEndBench.Result result, LatencyTarget target, LatencyTarget.Verdict verdict) {
        double[] percentiles() {
            return result.perRoute().getOrDefault(route.model(), new double[] {Double.NaN, Double.NaN, Double.NaN});
        }
    }

    /**
     * @param coldMs    process start → first answer, as the caller of a function with no environment waits for it
     * @param initMs    the environments' Init Duration (process start → the runtime's first {@code next})
     * @param firstOverWarm the first invocation's Duration over the p50 of the next ones
     */
    record Cold(String function, Stats coldMs, Stats initMs, Stats firstOverWarm) {
    }

    private final LocalCloud cloud;
    private final Map<String, AtomicInteger> published;
    private final UsageMeter meter;

    private RouteBench(LocalCloud cloud) {
        this.cloud = cloud;
        this.published = EndToEndBench.watchResults(cloud);
        this.meter = new UsageMeter(cloud);
    }

    static RouteBench start() throws Exception {
        return new RouteBench(LocalCloud.start(LocalCloud.Settings.defaults().withRandomPorts(), System.err));
    }

    // ---- P4' and the usage of P6 ----

    LatencyTarget target(Route route) {
        return switch (route.function()) {
            case "cpu-direct" -> LatencyTarget.direct();
            case "cpu-batch" -> LatencyTarget.sqs(batchingWindowSeconds(route.function()));
            default -> LatencyTarget.kinesis();
        };
    }

    /**
     * Each route alone at each rate. The usage is measured around the run at {@link #COST_RATE} (or the last rate, when
     * that one is not run).
     */
    List<Latency> latencies(int[] rates, Duration each, Map<String, RouteUsage> usageOut) throws Exception {
        List<Latency> out = new ArrayList<>();
        for (Route route : ROUTES) {
            LatencyTarget target = target(route);
            for (int rate : rates) {
                UsageMeter.Window window = meter.start();
                EndToEndBench.Result r = EndToEndBench.runAt(cloud, published, "p4prime-" + route.function() + "-" + rate,
                        rate, each, i -> route.model());
                double p99 = r.perRoute().getOrDefault(route.model(), new double[] {Double.NaN, Double.NaN, Double.NaN})[2];
                out.add(new Latency(route, r, target, target.appliesAt(rate) ? target.evaluate(rate, p99, r.lost()) : null));
                if (rate == COST_RATE || !usageOut.containsKey(route.function())) {
                    usageOut.put(route.function(), window.usage(route.function(), r.sent(), r.achievedRate(), route.function(),
                            queueArn(route.function()), shards(route.function())));
                }
            }
        }
        return out;
    }

    // ---- P3' ----

    /** Per function: its environments ended, then one invocation (a cold start) and {@code warm} more, {@code trials} times. */
    List<Cold> coldStarts(int trials, int warm) throws Exception {
        List<Cold> out = new ArrayList<>();
        for (Route route : ROUTES) {
            FunctionPool pool = cloud.function(route.function());
            List<Double> cold = new ArrayList<>();
            List<Double> init = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                while (!pool.stats().isEmpty()) {
                    pool.killAny();
                }
                long start = System.nanoTime();
                InvocationResult first = pool.invoke(payload(route, "p3prime-" + t + "-first"));
                cold.add((System.nanoTime() - start) / 1e6);
                init.add((double) pool.stats().stream().mapToLong(EnvironmentStats::initMillis).max().orElse(-1));
                List<Double> durations = new ArrayList<>();
                for (int i = 0; i < warm; i++) {
                    durations.add((double) duration(pool.invoke(payload(route, "p3prime-" + t + "-warm-" + i))));
                }
                ratio.add(duration(first) / Math.max(1.0, Stats.percentile(Stats.sorted(durations), 50)));
            }
            out.add(new Cold(route.function(), Stats.of(cold), Stats.of(init), Stats.of(ratio)));
        }
        return out;
    }

    private static long duration(InvocationResult result) {
        if (result instanceof InvocationResult.Success success) {
            return success.durationMs();
        }
        throw new IllegalStateException("invocation failed: " + result.payload());
    }

    /** One request as the route's trigger hands it to the function: the bus's event, an SQS batch, a Kinesis batch. */
    private String payload(Route route, String requestId) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> input = switch (route.model()) {
            case "fraud-scorer" -> Workload.transactions(1, requestId.hashCode());
            case "sensor-anomaly" -> Workload.windows(1, requestId.hashCode());
            default -> Workload.mixedTexts(1, requestId.hashCode()).stream().map(Workload::textInput).toList();
        };
        String envelope = Workload.records(route.model(), input, requestId).get(0).body();
        return switch (route.function()) {
            case "cpu-direct" -> envelope;
            case "cpu-batch" -> LambdaEvents.sqs(List.of(Message.builder().messageId(requestId).receiptHandle(requestId)
                    .body(envelope).build()), queueArn(route.function()), AwsClients.REGION);
            default -> LambdaEvents.kinesis(List.of(Record.builder().partitionKey("device-1").sequenceNumber("1")
                            .data(SdkBytes.fromUtf8String(envelope)).approximateArrivalTimestamp(Instant.now()).build()),
                    "shardId-000000000000", "arn:aws:kinesis:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT + ":stream/bench",
                    AwsClients.REGION);
        };
    }

    // ---- the template's settings: the one copy of each ----

    private java.util.Optional<Resource> mapping(String function) {
        String logicalId = cloud.assembly().template().ofType("AWS::Lambda::Function").stream()
                .filter(f -> hasTag(f, function)).findFirst().orElseThrow().logicalId();
        // a mapping names the function or, as the CDK app deploys it, an alias of it
        List<String> names = new ArrayList<>(List.of(logicalId));
        cloud.assembly().template().ofType("AWS::Lambda::Alias").stream()
                .filter(a -> refersTo(a.properties().path("FunctionName"), List.of(logicalId)))
                .forEach(a -> names.add(a.logicalId()));
        return cloud.assembly().template().ofType("AWS::Lambda::EventSourceMapping").stream()
                .filter(m -> refersTo(m.properties().path("FunctionName"), names)).findFirst();
    }

    private static boolean refersTo(JsonNode value, List<String> logicalIds) {
        String json = value.toString();
        return logicalIds.stream().anyMatch(id -> json.contains("\"" + id + "\""));
    }

    private static boolean hasTag(Resource function, String name) {
        for (JsonNode tag : function.properties().path("Tags")) {
            if (tag.path("Key").asText().equals(FUNCTION_TAG) && tag.path("Value").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** MaximumBatchingWindowInSeconds of the function's mapping (Lambda's default for SQS is 0). */
    int batchingWindowSeconds(String function) {
        return mapping(function).orElseThrow(() -> new IllegalStateException(function + " has no event source mapping"))
                .properties().path("MaximumBatchingWindowInSeconds").asInt(0);
    }

    /** The queue the function drains, or null when it drains none. */
    private String queueArn(String function) {
        String url;
        try {
            url = cloud.sourceQueueUrl(function);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return "arn:aws:sqs:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT + ":" + url.substring(url.lastIndexOf('/') + 1);
    }

    /** ShardCount of the stream the function's mapping reads; 0 for a function without one. */
    private int shards(String function) {
        return mapping(function)
                .map(m -> m.properties().path("EventSourceArn").path("Fn::GetAtt").path(0).asText())
                .flatMap(id -> cloud.assembly().template().resource(id))
                .filter(r -> r.type().equals("AWS::Kinesis::Stream"))
                .map(r -> r.properties().path("ShardCount").asInt()).orElse(0);
    }

    /** The memory each function is deployed with, for the report. */
    Map<String, Integer> memoryMb() {
        Map<String, Integer> out = new LinkedHashMap<>();
        ROUTES.forEach(r -> out.put(r.function(), cloud.function(r.function()).function().memoryMb()));
        return out;
    }

    @Override
    public void close() {
        cloud.close();
    }
}
