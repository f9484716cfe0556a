package dev.inferbus.functions.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.drift.DriftAlarm;
import dev.inferbus.functions.drift.DriftBatch;
import dev.inferbus.functions.drift.DriftWindow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF documents BatchMetrics writes, read from a sink in place of stdout. */
class BatchMetricsTest {

    private final EmfDocuments emf = new EmfDocuments();
    private final BatchMetrics metrics = emf.metrics();
    private final List<JsonNode> documents = emf.documents();

    @Test
    void aVersionedBatchIsWrittenPerModelAndPerModelVersionWithAFailedTotal() {
        Map<ErrorCode, Integer> failures = new EnumMap<>(ErrorCode.class);
        failures.put(ErrorCode.MODEL_ERROR, 2);
        failures.put(ErrorCode.INVALID_EVENT, 1);

        metrics.emit(new BatchMetrics.ModelBatch("fraud-scorer", "2", 10, 7, failures, 12.5, 40));

        assertThat(documents).hasSize(1);
        JsonNode doc = documents.getFirst();
        JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("inferbus");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Model\"],[\"Model\",\"Version\"]]");
        assertThat(doc.get("Model").asText()).isEqualTo("fraud-scorer");
        assertThat(doc.get("Version").asText()).isEqualTo("2");
        assertThat(doc.get("Requests").asDouble()).isEqualTo(10);
        assertThat(doc.get("Completed").asDouble()).isEqualTo(7);
        assertThat(doc.get("Failed_MODEL_ERROR").asDouble()).isEqualTo(2);
        assertThat(doc.get("Failed_INVALID_EVENT").asDouble()).isEqualTo(1);
        assertThat(doc.get("Failed").asDouble()).isEqualTo(3);
        List<String> names = new ArrayList<>();
        directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
        assertThat(names).contains("Requests", "Completed", "BatchSize", "InferenceMs", "EndToEndMs",
                "Failed_MODEL_ERROR", "Failed_INVALID_EVENT", "Failed");
    }

    @Test
    void aBatchWithNoFailuresStillWritesAZeroFailedTotal() {
        metrics.emit(new BatchMetrics.ModelBatch("fraud-scorer", "1", 4, 4, Map.of(), 3, -1));

        JsonNode doc = documents.getFirst();
        assertThat(doc.get("Failed").asDouble()).isZero();
        assertThat(doc.has("EndToEndMs")).isFalse();
    }

    @Test
    void aBatchWithNoVersionHasTheModelDimensionSetOnly() {
        metrics.emit(new BatchMetrics.ModelBatch("unrouted", null, 1, 0, Map.of(ErrorCode.INVALID_EVENT, 1), 0, -1));

        JsonNode doc = documents.getFirst();
        assertThat(doc.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString())
                .isEqualTo("[[\"Model\"]]");
        assertThat(doc.has("Version")).isFalse();
    }

    @Test
    void aShadowPairIsItsOwnDocumentWithEveryMeasureAsAValue() {
        metrics.emit(new BatchMetrics.ShadowBatch("sentence-embedder", Task.TEXT_EMBEDDING, "1", "2", 1, 1,
                List.of(0.999, 0.995, 0.97)));

        assertThat(documents).hasSize(1);
        JsonNode doc = documents.getFirst();
        JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
        // never blended into the serving versions' {Model} or {Model, Version} series
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Model\",\"LiveVersion\",\"ShadowVersion\"]]");
        assertThat(doc.get("LiveVersion").asText()).isEqualTo("1");
        assertThat(doc.get("ShadowVersion").asText()).isEqualTo("2");
        assertThat(doc.get("ShadowScored").asDouble()).isEqualTo(3);
        assertThat(doc.get("ShadowFailed").asDouble()).isEqualTo(1);
        assertThat(doc.get("ShadowDisagreements").asDouble()).isEqualTo(1);
        assertThat(doc.get("ShadowCosine").toString()).isEqualTo("[0.999,0.995,0.97]");
        assertThat(doc.has("Requests")).isFalse();
    }

    @Test
    void aClassifiersShadowMeasuresTheScoreGap() {
        metrics.emit(new BatchMetrics.ShadowBatch("fraud-scorer", Task.TABULAR_CLASSIFICATION, "1", "3", 0, 0, List.of(0.25)));

        assertThat(documents.getFirst().get("ShadowScoreGap").asDouble()).isEqualTo(0.25);
        assertThat(documents.getFirst().has("ShadowCosine")).isFalse();
    }

    @Test
    void driftWritesValuesLabelsAndPsiMaxPerModelAndEachFeaturesPsiInADocumentOfItsOwn() {
        Map<String, Integer> labels = new java.util.LinkedHashMap<>();
        labels.put("legit", 2);
        labels.put("fraud", 0);
        metrics.emit(new DriftBatch("fraud-scorer", "1", Map.of("Score", List.of(0.1, 0.2)), labels,
                new DriftWindow.Psi(new java.util.LinkedHashMap<>(Map.of("amount", 0.4)), 0.05)));

        assertThat(documents).hasSize(2);
        JsonNode model = documents.get(0);
        assertThat(EmfDocuments.dimensions(model)).isEqualTo("[[\"Model\"],[\"Model\",\"Version\"]]");
        assertThat(model.get("Score").toString()).isEqualTo("[0.1,0.2]");
        assertThat(model.get("Label_legit").asDouble()).isEqualTo(2);
        assertThat(model.get("Label_fraud").asDouble()).isZero();
        assertThat(model.get(DriftAlarm.METRIC).asDouble()).isEqualTo(0.4);
        assertThat(model.get("ScorePsi").asDouble()).isEqualTo(0.05);
        JsonNode feature = documents.get(1);
        assertThat(EmfDocuments.dimensions(feature))
                .isEqualTo("[[\"Model\",\"Feature\"],[\"Model\",\"Version\",\"Feature\"]]");
        assertThat(feature.get("Feature").asText()).isEqualTo("amount");
        assertThat(feature.get("Psi").asDouble()).isEqualTo(0.4);
    }

    @Test
    void driftWithoutAWindowPsiWritesItsValuesOnly() {
        metrics.emit(new DriftBatch("sentence-embedder", "1", Map.of("TokenLength", List.of(12.0)), Map.of(), null));

        assertThat(documents).hasSize(1);
        assertThat(documents.getFirst().has(DriftAlarm.METRIC)).isFalse();
        assertThat(documents.getFirst().get("TokenLength").asDouble()).isEqualTo(12);
    }
}
