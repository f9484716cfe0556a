package dev.inferbus.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.catalog.EndpointSpec;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.routing.Route;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Puts every sample event through the real PutEvents endpoint of a running local cloud, waits for one result row
 * each, prints them, and checks them against what the samples promise.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalCloud cloud;
    private final ModelCatalog catalog;
    private final PrintStream out;

    /** @param catalog the samples' catalog: which route each sample's model takes, for the printout */
    public Demo(LocalCloud cloud, ModelCatalog catalog, PrintStream out) {
        this.cloud = cloud;
        this.catalog = catalog;
        this.out = out;
    }

    /** One sample on its way: where it went and what became of it. */
    public record Tracked(SampleEvents.Sample sample, String eventId, String key, String route, ResultRow row) {

        boolean expectedOutcome() {
            if (row == null) {
                return false;
            }
            if (sample.valid()) {
                return row.status() == Status.COMPLETED;
            }
            return row.status() == Status.FAILED && row.errorCode() == sample.expected().errorCode()
                    && row.errorMessage().contains(sample.expected().field());
        }
    }

    /** Runs the demo; returns whether every sample ended as promised. */
    public boolean run(List<SampleEvents.Sample> samples, Duration timeout) {
        ProgressWatch watch = ProgressWatch.on(cloud);
        List<Tracked> tracked = new ArrayList<>();
        for (SampleEvents.Sample sample : samples) {
            tracked.add(put(sample));
        }
        long start = System.nanoTime();
        Map<String, ResultRow> rows = FinalRows.await(cloud, tracked.stream().map(Tracked::key).toList(), timeout,
                in -> out.printf("waiting for results: %d/%d%n", in, tracked.size()));
        tracked.replaceAll(t -> new Tracked(t.sample(), t.eventId(), t.key(), t.route(), rows.get(t.key())));
        long stored = cloud.clients().dynamoDb().scan(b -> b.tableName(cloud.tableName()).select("COUNT")).count();
        printTable(tracked);
        // a real-time generation streams: its progress events reach the bus before its completion
        boolean streamedRight = watch.print(out, tracked.stream().filter(t -> t.sample().valid() && streams(t.sample().model()))
                .map(Tracked::key).toList());
        long ok = tracked.stream().filter(Tracked::expectedOutcome).count();
        out.printf("%d/%d samples ended as expected; %d rows in %s for %d events; %.1f s%n", ok, tracked.size(), stored,
                cloud.tableName(), tracked.size(), (System.nanoTime() - start) / 1e9);
        // the template's own policies were enforced on every call: a denial is a missing grant that AWS would refuse too
        long denied = cloud.deniedCalls();
        out.printf("IAM: %d calls denied%n", denied);
        cloud.accessLog().denials().forEach((message, count) -> out.println("  " + count + "x " + message));
        return ok == tracked.size() && stored == tracked.size() && denied == 0 && streamedRight;
    }

    private boolean streams(String modelId) {
        return catalog.find(modelId).filter(m -> m.task() == Task.TEXT_GENERATION)
                .map(m -> m.endpoint().mode() == EndpointSpec.Mode.REALTIME).orElse(false);
    }

    private Tracked put(SampleEvents.Sample sample) {
        JsonNode event = sample.event();
        PutEventsResponse response = cloud.clients().events().putEvents(b -> b.entries(PutEventsRequestEntry.builder()
                .eventBusName(cloud.busName())
                .source(event.path("source").asText())
                .detailType(event.path("detail-type").asText())
                .detail(event.path("detail").toString()).build()));
        String eventId = response.entries().get(0).eventId();
        if (eventId == null) {
            throw new IllegalStateException(sample.name() + " was refused by PutEvents: " + response.entries().get(0).errorMessage());
        }
        String requestId = EventCodec.requestIdOf(event.path("detail"));
        String key = requestId != null ? requestId : "invalid:" + eventId;
        String route = catalog.routes().stream().filter(r -> r.modelIds().contains(sample.model()))
                .map(Route::name).findFirst().orElse(Route.REJECT);
        return new Tracked(sample, eventId, key, route, null);
    }

    private void printTable(List<Tracked> tracked) {
        String format = "%-22s %-18s %-25s %-9s %-48s %7s  %s%n";
        out.printf(format, "requestId", "model", "route", "status", "output / reason", "ms", "");
        for (Tracked t : tracked) {
            ResultRow row = t.row();
            String status = row == null ? "MISSING" : row.status().name();
            String summary = row == null ? "" : summary(row);
            String ms = row == null || row.endToEndMs() == null ? "" : String.format("%.0f", row.endToEndMs());
            out.printf(format, clip(t.key(), 22), clip(String.valueOf(t.sample().model()), 18), t.route(), status, clip(summary, 48), ms,
                    t.expectedOutcome() ? "ok" : "UNEXPECTED (" + t.sample().name() + ")");
        }
    }

    private static String summary(ResultRow row) {
        if (row.errorCode() != null) {
            return row.errorCode() + " " + row.errorMessage();
        }
        if (row.outputRef() != null) {
            return "outputRef " + row.outputRef();
        }
        try {
            JsonNode output = JSON.readTree(row.output());
            if (output.has("embedding")) {
                return "embedding dim " + output.get("dim").asInt();
            }
            if (output.has("label")) {
                return String.format("label %s score %.3f", output.get("label").asText(), output.get("score").asDouble());
            }
            if (output.has("anomalous")) {
                return String.format("anomalous %s score %.4f", output.get("anomalous").asBoolean(), output.get("score").asDouble());
            }
            if (output.has("finishReason")) {
                return String.format("%d tokens, %s: %s", output.path("usage").path("completionTokens").asInt(),
                        output.get("finishReason").asText(), output.path("text").asText().strip());
            }
            if (output.has("outputs")) {
                return tensors(output.get("outputs"));
            }
            return output.toString();
        } catch (Exception e) {
            return "unreadable output";
        }
    }

    /** A tensor output's first tensor: {@code score FP32 [1,1]: 0.9731}, its first elements as the task outputs print scores. */
    private static String tensors(JsonNode outputs) {
        JsonNode first = outputs.get(0);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < Math.min(3, first.get("data").size()); i++) {
            JsonNode v = first.get("data").get(i);
            elements.add(v.isFloatingPointNumber() ? String.format("%.4f", v.asDouble()) : v.asText());
        }
        return first.get("name").asText() + " " + first.get("datatype").asText() + " " + first.get("shape").toString()
                + ": " + String.join(" ", elements) + (first.get("data").size() > 3 ? " …" : "")
                + (outputs.size() > 1 ? " (+" + (outputs.size() - 1) + " more outputs)" : "");
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
