package dev.inferbus.functions.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.drift.DriftAlarm;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.batch.ScoringRequest;
import dev.inferbus.functions.metrics.EmfDocuments;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.TestModels;
import dev.inferbus.samples.fraud.TransactionGenerator;
import dev.inferbus.samples.sensor.VibrationGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The drift alarm on the models' own references: workloads drawn from the training distribution, and the same
 * workloads shifted, go through the real models in invocations the size their triggers deliver, then through the
 * drift windows into EMF documents; the alarm's statistic, metric and threshold ({@link DriftAlarm}, which the CDK
 * stack builds its alarm from) are applied to those documents as CloudWatch would apply them over one period.
 */
class ShiftedWorkloadTest {

    private static final int REQUESTS = 1_500;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final MicroBatcher batcher = new MicroBatcher(TestModels.runtime());

    @Test
    void fraudAmountsFiveTimesLargerTripTheAlarmOnAmountWhileTheTrainingDistributionStaysQuiet() throws Exception {
        List<JsonNode> unshifted = serve("fraud-scorer", "1", transactions(amount -> amount), 1);
        List<JsonNode> shifted = serve("fraud-scorer", "1", transactions(amount -> amount * 5), 1);

        report("fraud-scorer unshifted", unshifted);
        report("fraud-scorer amount x5", shifted);
        assertThat(alarmStatistic(unshifted, "fraud-scorer").orElseThrow()).isLessThan(0.1);
        assertThat(alarms(unshifted, "fraud-scorer")).isFalse();
        assertThat(alarms(shifted, "fraud-scorer")).isTrue();
        // the shifted feature is the one that moved; the others stay as quiet as the unshifted run
        assertThat(lastPsi(shifted, "amount")).isGreaterThan(DriftAlarm.THRESHOLD);
        for (String other : TransactionGenerator.FEATURES.subList(1, TransactionGenerator.FEATURES.size())) {
            assertThat(lastPsi(shifted, other)).as(other).isLessThan(0.1);
        }
    }

    @Test
    void sensorReadingsOffsetByHalfAUnitTripTheAlarmWhileHealthyWindowsStayQuiet() throws Exception {
        List<JsonNode> unshifted = serve("sensor-anomaly", "1", windows(0), 100);
        List<JsonNode> shifted = serve("sensor-anomaly", "1", windows(0.5), 100);

        report("sensor-anomaly unshifted", unshifted);
        report("sensor-anomaly offset +0.5", shifted);
        assertThat(alarmStatistic(unshifted, "sensor-anomaly").orElseThrow()).isLessThan(0.1);
        assertThat(alarms(unshifted, "sensor-anomaly")).isFalse();
        assertThat(alarms(shifted, "sensor-anomaly")).isTrue();
        assertThat(lastPsi(shifted, "mean")).isGreaterThan(DriftAlarm.THRESHOLD);
        // the offset also moves what the model answers: its healthy-traffic label mix was all normal
        assertThat(shifted.stream().filter(d -> d.has("Label_anomalous")).mapToDouble(d -> d.get("Label_anomalous").asDouble()).sum())
                .isGreaterThan(REQUESTS / 2.0);
    }

    @Test
    void textReportsTokenLengthsAndTruncationButNoPsiWithoutAReference() throws Exception {
        String longText = "vibration ".repeat(400).strip();
        List<JsonNode> documents = serve("sentence-embedder", "1",
                List.of(JSON.objectNode().put("text", "the pump is late"), JSON.objectNode().put("text", longText)), 100);

        assertThat(documents).hasSize(1);
        JsonNode document = documents.getFirst();
        // [CLS] the pump is late [SEP]; the long text cut at the model's 256
        assertThat(document.get("TokenLength").toString()).isEqualTo("[6.0,256.0]");
        assertThat(document.get("TruncationRate").toString()).isEqualTo("[0.0,1.0]");
        assertThat(document.has(DriftAlarm.METRIC)).isFalse();
    }

    @Test
    void aTensorModelSharingAReferencedGraphReportsNoPsiOrLabels() throws Exception {
        ObjectNode input = JSON.objectNode();
        ObjectNode tensor = input.putArray("inputs").addObject().put("name", "readings").put("datatype", "FP32");
        tensor.putArray("shape").add(1).add(64);
        ArrayNode data = tensor.putArray("data");
        IntStream.range(0, 64).forEach(i -> data.add(Math.sin(i)));

        // sensor-anomaly-raw's folder holds sensor-anomaly's reference, whose columns and labels a raw tensor has not
        List<JsonNode> documents = serve("sensor-anomaly-raw", "1", List.of(input, input.deepCopy()), 100);

        assertThat(documents).isNotEmpty().noneMatch(d -> d.has(DriftAlarm.METRIC))
                .noneMatch(d -> d.propertyStream().anyMatch(p -> p.getKey().startsWith("Label_")));
    }

    /** Scores the inputs in invocations of {@code batch} with the real model and returns the EMF documents drift wrote. */
    private List<JsonNode> serve(String model, String version, List<ObjectNode> inputs, int batch) throws Exception {
        ModelSpec spec = TestModels.catalog().find(model).orElseThrow().forVersion(version).orElseThrow();
        // a fresh container: its windows start empty
        DriftMonitor drift = DriftMonitor.load(TestModels.runtime().models(), ArtifactSource.fromRoot("classpath:"));
        EmfDocuments emf = new EmfDocuments();
        for (int from = 0; from < inputs.size(); from += batch) {
            List<JsonNode> invocation = List.copyOf(inputs.subList(from, Math.min(from + batch, inputs.size())));
            List<Outcome> outcomes = batcher.score(invocation.stream().map(i -> new ScoringRequest(spec, i, "/detail/input")).toList());
            List<JsonNode> outputs = outcomes.stream().map(o -> ((Outcome.Scored) o).output()).toList();
            drift.observe(spec, invocation, outputs).ifPresent(emf.metrics()::emit);
        }
        return emf.documents();
    }

    /** The alarm's statistic over one period of the model's {Model} series of its metric. */
    private static OptionalDouble alarmStatistic(List<JsonNode> documents, String model) {
        assertThat(DriftAlarm.STATISTIC).isEqualTo("Maximum");
        return documents.stream().filter(d -> d.has(DriftAlarm.METRIC) && d.get("Model").asText().equals(model))
                .mapToDouble(d -> d.get(DriftAlarm.METRIC).asDouble()).max();
    }

    /** Whether the alarm's condition (greater than its threshold) holds for the period. */
    private static boolean alarms(List<JsonNode> documents, String model) {
        OptionalDouble statistic = alarmStatistic(documents, model);
        return statistic.isPresent() && statistic.getAsDouble() > DriftAlarm.THRESHOLD;
    }

    /** The feature's PSI in the last document written for it: the window over the workload's last requests. */
    private static double lastPsi(List<JsonNode> documents, String feature) {
        return documents.stream().filter(d -> d.has("Feature") && d.get("Feature").asText().equals(feature))
                .reduce((a, b) -> b).orElseThrow().get("Psi").asDouble();
    }

    private static void report(String workload, List<JsonNode> documents) {
        StringBuilder line = new StringBuilder(workload + ": " + DriftAlarm.METRIC + " max "
                + alarmStatistic(documents, documents.getFirst().get("Model").asText()).orElse(Double.NaN) + "; last Psi");
        documents.stream().filter(d -> d.has("Feature")).map(d -> d.get("Feature").asText()).distinct()
                .forEach(f -> line.append(String.format(" %s=%.4f", f, lastPsi(documents, f))));
        System.out.println(line);
    }

    private static List<ObjectNode> transactions(DoubleUnaryOperator amount) {
        TransactionGenerator generator = new TransactionGenerator(31);
        List<ObjectNode> inputs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            double[] f = generator.next().features();
            ObjectNode features = JSON.objectNode();
            for (int k = 0; k < f.length; k++) {
                String name = TransactionGenerator.FEATURES.get(k);
                features.put(name, name.equals("amount") ? amount.applyAsDouble(f[k]) : f[k]);
            }
            ObjectNode input = JSON.objectNode();
            input.set("features", features);
            inputs.add(input);
        }
        return inputs;
    }

    private static List<ObjectNode> windows(double offset) {
        VibrationGenerator generator = new VibrationGenerator(31);
        List<ObjectNode> inputs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            ObjectNode input = JSON.objectNode();
            var readings = input.putArray("readings");
            for (double r : generator.normal()) {
                readings.add(r + offset);
            }
            inputs.add(input);
        }
        return inputs;
    }
}
