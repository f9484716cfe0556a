package dev.inferbus.local.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.catalog.Rollout;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.replay.Rescore;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.Scorer;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.metrics.BatchMetrics;
import dev.inferbus.functions.pipeline.InferencePipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample catalog's shadow (sentence-embedder v2 beside live v1) through the whole pipeline, into DynamoDB Local
 * and onto the local bus, on every request but where a test samples it: the shadow's result lies on the live row, nothing is announced for it, and whatever the
 * shadow does — fail an input, throw — the live result and its event are what they would be without it. The
 * scorer is the test's own, so each version's output, and each fault, is chosen here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShadowPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<List<String>> scorerCalls = new CopyOnWriteArrayList<>();
    private PipelineServices services;
    private List<JsonNode> announced;
    private ResultStore store;

    @BeforeAll
    void start() throws Exception {
        services = PipelineServices.start();
        announced = services.announced();
        store = services.store();
    }

    @AfterAll
    void stop() {
        services.close();
    }

    @BeforeEach
    void forget() {
        announced.clear();
        scorerCalls.clear();
    }

    /** A scorer answering each version's request with {@code outputs}, recording the versions of each call. */
    private Scorer scorer(Function<ScoringRequest, Outcome> outputs) {
        return requests -> {
            scorerCalls.add(requests.stream().map(r -> r.model().version()).toList());
            List<Outcome> outcomes = new ArrayList<>();
            for (ScoringRequest request : requests) {
                outcomes.add(outputs.apply(request));
            }
            return outcomes;
        };
    }

    /** The sample catalog with its shadow on every request, so that each test here knows which rows carry one. */
    private InferencePipeline pipeline(Scorer scorer) {
        return pipeline(scorer, 100);
    }

    private InferencePipeline pipeline(Scorer scorer, int shadowPercent) {
        return pipeline(scorer, sampleCatalog(shadowPercent));
    }

    private static ModelCatalog sampleCatalog(int shadowPercent) {
        String yaml;
        try {
            yaml = Files.readString(Path.of("../samples/catalog.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sampled = ", shadow: \"2\", shadowPercent: 10 }";
        if (!yaml.contains(sampled)) {
            throw new IllegalStateException("the sample catalog's sentence-embedder shadow has moved; update this test");
        }
        return CatalogLoader.parse(yaml.replace(sampled, ", shadow: \"2\", shadowPercent: " + shadowPercent + " }"), "catalog.yaml");
    }

    private InferencePipeline pipeline(Scorer scorer, ModelCatalog catalog) {
        EventCodec codec = EventCodec.create();
        Clock clock = Clock.systemUTC();
        return new InferencePipeline(catalog, Set.of("sentence-embedder"), codec,
                scorer, services.claimChecks(codec), services.reporter(clock), services.largeOutputs(), new BatchMetrics("test", false), clock);
    }

    private static Outcome.Scored embedding(double... values) {
        ObjectNode output = JSON.createObjectNode();
        var vector = output.putArray("embedding");
        for (double v : values) {
            vector.add(v);
        }
        return new Outcome.Scored(output, 1);
    }

    /** v1 answers (1, 0); v2 answers (1, 0) for "same" texts, else (0, 1), orthogonal. */
    private static Outcome agreeOnSame(ScoringRequest request) {
        boolean same = request.input().path("text").asText().startsWith("same");
        return request.model().version().equals("1") || same ? embedding(1, 0) : embedding(0, 1);
    }

    @Test
    void theShadowScoresInOneBatchBesideTheLiveVersionAndIsStoredOnTheLiveRowUnannounced() {
        InferencePipeline.Report report = pipeline(scorer(ShadowPipelineTest::agreeOnSame)).process(List.of(
                record("sh-1", "same text", ""), record("sh-2", "same again", ""), record("sh-3", "other text", "")));

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(3);
        // the live version's call, then the shadow's: each version's inputs share one call
        assertThat(scorerCalls).containsExactly(List.of("1", "1", "1"), List.of("2", "2", "2"));
        ResultRow agreeing = row("sh-1");
        assertThat(agreeing.version()).isEqualTo("1");
        assertThat(agreeing.output()).isEqualTo("{\"embedding\":[1.0,0.0]}");
        assertThat(agreeing.shadow().version()).isEqualTo("2");
        assertThat(agreeing.shadow().output()).isEqualTo("{\"embedding\":[1.0,0.0]}");
        assertThat(agreeing.shadow().agreement().measure()).isEqualTo(1.0);
        assertThat(agreeing.shadow().agreement().disagrees()).isFalse();
        ResultRow disagreeing = row("sh-3");
        assertThat(disagreeing.output()).isEqualTo("{\"embedding\":[1.0,0.0]}");
        assertThat(disagreeing.shadow().agreement().measure()).isEqualTo(0.0);
        assertThat(disagreeing.shadow().agreement().disagrees()).isTrue();
        // three results, three events: the live version's, and nothing of the shadow's in them
        assertThat(announced).hasSize(3);
        assertThat(announced).allSatisfy(event -> {
            assertThat(event.path("detail-type").asText()).isEqualTo("InferenceCompleted");
            assertThat(event.path("detail").path("version").asText()).isEqualTo("1");
            assertThat(event.path("detail").path("output").toString()).isEqualTo("{\"embedding\":[1.0,0.0]}");
        });
        assertThat(scan()).as("no second result for the shadow").noneMatch(r -> r.key().startsWith("sh-") && r.key().contains("#"));
    }

    @Test
    void aShadowThatThrowsLeavesEveryLiveResultAndEventIntact() {
        InferencePipeline.Report report = pipeline(scorer(request -> {
            if (request.model().version().equals("2")) {
                throw new IllegalStateException("the shadow's session crashed");
            }
            return embedding(1, 0);
        })).process(List.of(record("crash-1", "a", ""), record("crash-2", "b", "")));

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(2);
        assertThat(report.retry()).isEmpty();
        for (String id : List.of("crash-1", "crash-2")) {
            ResultRow row = row(id);
            assertThat(row.status()).isEqualTo(Status.COMPLETED);
            assertThat(row.output()).isEqualTo("{\"embedding\":[1.0,0.0]}");
            assertThat(row.shadow().isFailed()).isTrue();
            assertThat(row.shadow().errorCode()).isEqualTo(ErrorCode.MODEL_ERROR);
            assertThat(row.shadow().errorMessage()).contains("IllegalStateException");
        }
        assertThat(announced).extracting(e -> e.path("detail-type").asText()).containsExactly("InferenceCompleted", "InferenceCompleted");
    }

    @Test
    void aShadowFailingOneInputFailsThatShadowAloneAndTheLiveRowStands() {
        pipeline(scorer(request -> request.model().version().equals("2") && request.input().path("text").asText().equals("poison")
                ? new Outcome.Failed(ErrorCode.MODEL_ERROR, "model 'sentence-embedder' failed on this input: boom")
                : embedding(1, 0))).process(List.of(record("poison-1", "poison", ""), record("poison-2", "fine", "")));

        ResultRow poisoned = row("poison-1");
        assertThat(poisoned.status()).isEqualTo(Status.COMPLETED);
        assertThat(poisoned.shadow().errorMessage()).isEqualTo("model 'sentence-embedder' failed on this input: boom");
        assertThat(row("poison-2").shadow().isFailed()).isFalse();
        assertThat(announced).hasSize(2);
    }

    @Test
    void neitherARequestPinnedToTheShadowNorAReplayIsShadowed() {
        String replay = Rescore.of("sentence-embedder", "1", Instant.parse("2026-11-23T10:00:00Z")).replayName();
        pipeline(scorer(ShadowPipelineTest::agreeOnSame)).process(List.of(
                record("pinned-2", "same", "\"version\":\"2\","), replayed("replayed-1", replay)));

        assertThat(row("pinned-2").version()).isEqualTo("2");
        assertThat(row("pinned-2").shadow()).isNull();
        assertThat(row("replayed-1#1").shadow()).isNull();
        assertThat(scorerCalls).hasSize(1);
    }

    @Test
    void aShadowPercentBelow100ShadowsOnlyTheRequestsWhoseKeysItSelects() {
        ModelCatalog catalog = sampleCatalog(30);
        Rollout rollout = catalog.find("sentence-embedder").orElseThrow().rollout();
        List<InferencePipeline.Record> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(record("pct-" + i, "same " + i, ""));
        }
        InferencePipeline.Report report = pipeline(scorer(ShadowPipelineTest::agreeOnSame), catalog).process(records);

        assertThat(report.count(InferencePipeline.Fate.COMPLETED)).isEqualTo(40);
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = "pct-" + i;
            ResultRow row = row(id);
            assertThat(row.version()).isEqualTo("1");
            if (rollout.shadows(id)) {
                selected.add(id);
                assertThat(row.shadow()).as(id).isNotNull();
                assertThat(row.shadow().version()).isEqualTo("2");
            } else {
                assertThat(row.shadow()).as(id).isNull();
            }
        }
        // some but not all: otherwise the assertions above would hold with the percent ignored
        assertThat(selected).isNotEmpty().hasSizeLessThan(40);
        assertThat(scorerCalls).containsExactly(java.util.Collections.nCopies(40, "1"), java.util.Collections.nCopies(selected.size(), "2"));
        assertThat(announced).hasSize(40);
    }

    private ResultRow row(String key) {
        return ((StoredResult.Final) store.find(key).join().orElseThrow(() -> new AssertionError("no row " + key))).row();
    }

    private List<ResultRow> scan() {
        return store.scan().join().stream().filter(r -> r instanceof StoredResult.Final).map(r -> ((StoredResult.Final) r).row()).toList();
    }

    private static InferencePipeline.Record record(String requestId, String text, String extra) {
        return new InferencePipeline.Record("m-" + requestId, event(requestId, text, extra, null));
    }

    private static InferencePipeline.Record replayed(String requestId, String replayName) {
        return new InferencePipeline.Record("m-" + requestId, event(requestId, "same", "", replayName));
    }

    private static String event(String requestId, String text, String extra, String replayName) {
        return "{\"version\":\"0\",\"id\":\"e-" + requestId + "\",\"detail-type\":\"InferenceRequested\",\"source\":\"test\","
                + (replayName == null ? "" : "\"replay-name\":\"" + replayName + "\",")
                + "\"time\":\"2026-11-23T00:00:00Z\",\"detail\":{\"requestId\":\"" + requestId + "\",\"model\":\"sentence-embedder\","
                + extra + "\"input\":{\"text\":\"" + text + "\"}}}";
    }
}
