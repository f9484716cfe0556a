package dev.inferbus.bench;

import dev.inferbus.events.results.StoredResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.local.cloud.LocalCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * P4: the local cloud with the real handlers, in process; a bounded load generator puts events at a fixed rate
 * through the real PutEvents endpoint (loopback only), then put→row latency from the rows' completedAt, and lost
 * and duplicated counts from the rows and the result events seen on the bus.
 */
final class EndToEndBench {

    /** @param perRoute put→row p50 / p95 / p99 milliseconds by model (each model is one route) */
    record Result(int rate, int sent, double achievedRate, double p50, double p95, double p99, int lost, int duplicated,
                  Map<String, double[]> perRoute) {
    }

    /** 2 of 5 events fraud-scorer, 2 of 5 sensor-anomaly, 1 of 5 sentence-embedder. */
    static final IntFunction<String> MIX = i -> switch (i % 5) {
        case 0, 1 -> "fraud-scorer";
        case 2, 3 -> "sensor-anomaly";
        default -> "sentence-embedder";
    };

    static List<Result> run(int[] rates, Duration each) throws Exception {
        List<Result> results = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.defaults().withRandomPorts(), System.err)) {
            Map<String, AtomicInteger> published = watchResults(cloud);
            for (int rate : rates) {
                results.add(runAt(cloud, published, "e2e-" + rate, rate, each, MIX));
            }
        }
        return results;
    }

    /** How often each requestId's result event was put on the bus: more than once is a duplicate. */
    static Map<String, AtomicInteger> watchResults(LocalCloud cloud) {
        Map<String, AtomicInteger> published = new ConcurrentHashMap<>();
        cloud.observe("bench-results", "{\"source\":[\"inferbus\"]}", (event, json) ->
                published.computeIfAbsent(event.path("detail").path("requestId").asText(), k -> new AtomicInteger()).incrementAndGet());
        return published;
    }

    /**
     * @param runId  prefix of this run's requestIds, unique within the cloud
     * @param models the model of the i-th event
     */
    static Result runAt(LocalCloud cloud, Map<String, AtomicInteger> published, String runId, int rate, Duration each,
                        IntFunction<String> models) throws Exception {
        int total = (int) (rate * each.toSeconds());
        List<ObjectNode> fraud = Workload.transactions(total, rate);
        List<ObjectNode> windows = Workload.windows(total, rate);
        List<String> texts = Workload.mixedTexts(total, rate).stream().map(t -> t.length() > 120 ? t.substring(0, 120) : t).toList();
        Map<String, Long> putAt = new HashMap<>();
        Map<String, String> modelOf = new HashMap<>();
        long start = System.nanoTime();
        int calls = total / 10;
        for (int c = 0; c < calls; c++) {
            long due = start + (long) (c * 10 * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            List<PutEventsRequestEntry> entries = new ArrayList<>(10);
            long now = System.currentTimeMillis();
            for (int k = 0; k < 10; k++) {
                int i = c * 10 + k;
                String id = runId + "-" + i;
                String model = models.apply(i);
                ObjectNode detail = Workload.JSON.createObjectNode().put("requestId", id).put("model", model);
                switch (model) {
                    case "fraud-scorer" -> detail.set("input", fraud.get(i));
                    case "sensor-anomaly" -> detail.put("partitionKey", "device-" + (i % 20)).set("input", windows.get(i));
                    default -> detail.set("input", Workload.textInput(texts.get(i)));
                }
                entries.add(PutEventsRequestEntry.builder().eventBusName(cloud.busName()).source("bench")
                        .detailType("InferenceRequested").detail(detail.toString()).build());
                putAt.put(id, now);
                modelOf.put(id, detail.path("model").asText());
            }
            cloud.clients().events().putEvents(b -> b.entries(entries));
        }
        double achieved = calls * 10 / ((System.nanoTime() - start) / 1e9);
        List<Double> latencies = new ArrayList<>();
        Map<String, List<Double>> byRoute = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, Long> pending = new HashMap<>(putAt);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                var row = cloud.result(e.getKey()).filter(StoredResult.Final.class::isInstance).map(r -> ((StoredResult.Final) r).row());
                if (row.isPresent()) {
                    double millis = row.get().completedAtMillis() - e.getValue();
                    latencies.add(millis);
                    byRoute.computeIfAbsent(modelOf.get(e.getKey()), k -> new ArrayList<>()).add(millis);
                    it.remove();
                }
            }
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        Thread.sleep(1000);
        int duplicated = (int) putAt.keySet().stream().filter(id -> published.getOrDefault(id, new AtomicInteger()).get() > 1).count();
        double[] sorted = Stats.sorted(latencies);
        return new Result(rate, putAt.size(), achieved, Stats.percentile(sorted, 50), Stats.percentile(sorted, 95),
                Stats.percentile(sorted, 99), pending.size(), duplicated, perRoute(byRoute));
    }

    private static Map<String, double[]> perRoute(Map<String, List<Double>> byRoute) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        byRoute.forEach((model, values) -> {
            double[] sorted = Stats.sorted(values);
            out.put(model, new double[] {Stats.percentile(sorted, 50), Stats.percentile(sorted, 95), Stats.percentile(sorted, 99)});
        });
        return out;
    }
}
