package dev.inferbus.local.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Rollout;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.routing.Route;
import dev.inferbus.events.samples.SampleEvents;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.compare.ComparisonReport;
import dev.inferbus.local.rescore.RescoreReplay;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The model-version part of the demo: a burst of one model's requests, each under its own partition key, split over
 * its versions by the catalog's rollout (a canary), then an archive replay of that window that re-scores every one
 * with another version, beside the original rows; a burst of another model's requests whose sample (the catalog's
 * {@code shadowPercent}) its shadow version scores beside the live one; and that model's result cache answering repeated inputs.
 */
public final class VersionsDemo {

    /** Texts of different lengths and topics, so that a shadow's agreement is measured over more than one input. */
    private static final List<String> TEXTS = List.of(
            "The parcel left the warehouse this morning and should arrive on Thursday.",
            "Card ending 4242 was declined at a fuel station abroad.",
            "Quarterly revenue grew eight percent while operating costs stayed flat.",
            "How do I reset the password of my online banking account?",
            "The vibration sensor on pump 7 reports readings twice the usual amplitude.",
            "A short one.",
            "Neural networks trained in fp32 and quantized to int8 usually keep their accuracy.",
            "Please cancel my subscription at the end of the current billing period.",
            "Heavy rain is expected across the north of the country over the weekend.",
            "The meeting moved to 3 pm in the large conference room on the second floor.");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final LocalCloud cloud;
    private final ModelCatalog catalog;
    private final PrintStream out;

    public VersionsDemo(LocalCloud cloud, ModelCatalog catalog, PrintStream out) {
        this.cloud = cloud;
        this.catalog = catalog;
        this.out = out;
    }

    /**
     * Puts {@code count} requests for the first valid sample of {@code modelId}, each with its own key, checks each
     * was served by the version its key hashes to, then replays them re-scored with {@code replayVersion}.
     * Returns whether both parts held.
     */
    public boolean canaryAndReplay(String modelId, int count, String replayVersion, Duration timeout) throws InterruptedException {
        ModelSpec model = catalog.find(modelId).orElseThrow();
        String run = Long.toString(System.currentTimeMillis(), 36);
        Instant from = Instant.now().minusSeconds(1);
        List<String> keys = putBurst(modelId, "canary-" + run, count, (i, detail) -> detail.put("partitionKey", "card-" + run + "-" + i));
        Map<String, ResultRow> rows = await(keys, timeout);
        Map<String, Integer> served = new TreeMap<>();
        int stuck = 0;
        for (int i = 0; i < count; i++) {
            ResultRow row = rows.get(keys.get(i));
            if (row == null || row.status() != Status.COMPLETED
                    || !row.version().equals(model.rollout().choose("card-" + run + "-" + i))) {
                stuck++;
                continue;
            }
            served.merge(row.version(), 1, Integer::sum);
        }
        out.printf("canary: %d %s requests served by version %s (catalog traffic %s); %d not served by their key's version%n",
                count, modelId, served, model.rollout().traffic(), stuck);
        boolean canaryHeld = stuck == 0 && served.size() == model.rollout().traffic().values().stream().filter(w -> w > 0).count();

        Rescore rescore = Rescore.of(modelId, replayVersion, Instant.now());
        RescoreReplay replays = new RescoreReplay(cloud.clients().events());
        Route route = catalog.routes().stream().filter(r -> r.modelIds().contains(modelId)).findFirst().orElseThrow();
        replays.start(replays.find(cloud.busName(), route), rescore, from, Instant.now());
        String state = replays.await(rescore.replayName(), Duration.ofMillis(250), r -> { }).stateAsString();
        List<String> replayKeys = keys.stream().map(k -> ResultsTable.replayKey(k, replayVersion)).toList();
        Map<String, ResultRow> rescored = await(replayKeys, timeout);
        long agree = 0;
        long done = rescored.values().stream().filter(r -> r.status() == Status.COMPLETED).count();
        for (String key : keys) {
            ResultRow original = rows.get(key);
            ResultRow again = rescored.get(ResultsTable.replayKey(key, replayVersion));
            if (original != null && again != null && original.output() != null && again.output() != null
                    && label(original).equals(label(again))) {
                agree++;
            }
        }
        long touched = keys.stream().filter(rows::containsKey).filter(k -> !rows.get(k).equals(await(List.of(k), Duration.ZERO).get(k))).count();
        out.printf("replay %s %s: %d/%d re-scored with version %s under requestId#%s, %d originals changed; same label %d/%d%n",
                rescore.replayName(), state, done, count, replayVersion, replayVersion, touched, agree, done);
        // what ./inferbus compare prints for the model, from the same table
        ComparisonReport.of(model, cloud.results().scan().join(), null).lines().forEach(out::println);
        return canaryHeld && "COMPLETED".equals(state) && done == count && touched == 0;
    }

    /**
     * {@code count} requests of a model with a shadow version, then what its live rows say of the shadow: exactly
     * those whose key the rollout's {@code shadowPercent} selects must carry the shadow's result, and the table's
     * comparison of the pair is printed as {@code ./inferbus compare} would.
     */
    public boolean shadow(String modelId, int count, Duration timeout) {
        ModelSpec model = catalog.find(modelId).orElseThrow();
        Rollout rollout = model.rollout();
        String shadow = rollout.shadow();
        if (shadow == null) {
            throw new IllegalArgumentException(modelId + " has no shadow version in the catalog");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        // distinct texts: a repeated one could be the result cache's answer, which the shadow does not score again
        List<String> keys = putBurst(modelId, "shadow-" + run, count,
                (i, detail) -> ((ObjectNode) detail.path("input")).put("text", TEXTS.get(i % TEXTS.size()) + " (" + run + "-" + i + ")"));
        Map<String, ResultRow> rows = await(keys, timeout);
        long shadowed = 0;
        boolean asSelected = rows.size() == count;
        for (Map.Entry<String, ResultRow> e : rows.entrySet()) {
            ResultRow r = e.getValue();
            boolean carries = r.status() == Status.COMPLETED && r.shadow() != null && shadow.equals(r.shadow().version())
                    && !r.shadow().isFailed();
            // the burst sets no partitionKey: its requestId is the sticky key the pipeline samples by
            boolean selected = rollout.shadows(e.getKey());
            shadowed += carries ? 1 : 0;
            asSelected &= r.status() == Status.COMPLETED && (selected ? carries : r.shadow() == null);
        }
        out.printf("shadow: %d %s requests served by version %s, %d of them also scored by shadow version %s (catalog"
                        + " shadowPercent %d)%s%n", count, modelId, model.version(), shadowed, shadow, rollout.shadowPercent(),
                asSelected ? "" : ", not the requests the rollout selects");
        ComparisonReport report = ComparisonReport.of(model, cloud.results().scan().join(), shadow);
        report.lines().forEach(out::println);
        return asSelected;
    }

    /**
     * The demo's texts once, then once more when the first ones have ended: with the model's result cache on, every
     * repeat is answered from it (the row says cached) without running the model.
     */
    public boolean cache(String modelId, Duration timeout) {
        ModelSpec model = catalog.find(modelId).orElseThrow();
        if (model.cache() == null) {
            throw new IllegalArgumentException(modelId + " has no result cache in the catalog");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        java.util.function.BiConsumer<Integer, ObjectNode> text = (i, detail) -> ((ObjectNode) detail.path("input"))
                .put("text", TEXTS.get(i) + " [" + run + "]");
        Map<String, ResultRow> first = await(putBurst(modelId, "cache-" + run + "-a", TEXTS.size(), text), timeout);
        Map<String, ResultRow> again = await(putBurst(modelId, "cache-" + run + "-b", TEXTS.size(), text), timeout);
        long firstCached = first.values().stream().filter(ResultRow::cached).count();
        long cached = again.values().stream().filter(r -> r.status() == Status.COMPLETED && r.cached()).count();
        out.printf("cache: %d %s texts scored by the model (%d cached), then the same texts again: %d of %d answered from the"
                + " result cache (ttl %d s), without the model%n", first.size(), modelId, firstCached, cached, TEXTS.size(),
                model.cache().ttl().toSeconds());
        return firstCached == 0 && cached == TEXTS.size();
    }

    /**
     * Puts {@code count} copies of the model's first valid sample, the i-th under requestId {@code prefix-i} and
     * shaped by {@code shape}; answers the requestIds.
     */
    private List<String> putBurst(String modelId, String prefix, int count, java.util.function.BiConsumer<Integer, ObjectNode> shape) {
        SampleEvents.Sample template = SampleEvents.all().stream().filter(s -> s.valid() && modelId.equals(s.model()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no valid sample of " + modelId));
        List<String> keys = new ArrayList<>();
        List<PutEventsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode detail = template.event().path("detail").deepCopy();
            String requestId = prefix + "-" + i;
            detail.put("requestId", requestId);
            shape.accept(i, detail);
            keys.add(requestId);
            batch.add(PutEventsRequestEntry.builder().eventBusName(cloud.busName()).source("demo.versions")
                    .detailType(template.event().path("detail-type").asText()).detail(detail.toString()).build());
            if (batch.size() == 10 || i == count - 1) {
                PutEventsResponse response = cloud.clients().events().putEvents(b -> b.entries(batch));
                if (response.failedEntryCount() > 0) {
                    throw new IllegalStateException("PutEvents refused demo entries: " + response.entries());
                }
                batch.clear();
            }
        }
        return keys;
    }

    private static String label(ResultRow row) {
        try {
            return JSON.readTree(row.output()).path("label").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, ResultRow> await(List<String> keys, Duration timeout) {
        return FinalRows.await(cloud, keys, timeout, in -> { });
    }
}
