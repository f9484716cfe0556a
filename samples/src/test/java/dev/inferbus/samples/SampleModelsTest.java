package dev.inferbus.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.samples.fraud.FraudScorerTraining;
import dev.inferbus.samples.fraud.TransactionGenerator;
import dev.inferbus.samples.sensor.SensorAnomalyTraining;
import dev.inferbus.samples.sensor.VibrationGenerator;
import dev.inferbus.samples.training.RocAuc;
import dev.inferbus.samples.training.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleModelsTest {

    private static final Path MODELS = Path.of("src/main/resources/models");

    private TrainedModel fraud;
    private TrainedModel anomaly;
    private final OrtEnvironment ort = OrtEnvironment.getEnvironment();
    private OrtSession fraudSession;
    private OrtSession anomalySession;

    @BeforeAll
    void retrain() throws Exception {
        fraud = FraudScorerTraining.train();
        anomaly = SensorAnomalyTraining.train();
        fraudSession = ort.createSession(Files.readAllBytes(MODELS.resolve("fraud-scorer/1/model.onnx")));
        anomalySession = ort.createSession(Files.readAllBytes(MODELS.resolve("sensor-anomaly/1/model.onnx")));
    }

    @AfterAll
    void close() throws Exception {
        fraudSession.close();
        anomalySession.close();
    }

    @Test
    void retrainingReproducesTheCommittedMetricsSignaturesAndScores() throws Exception {
        // The eigen solver's last bits can differ with JIT timing, so the ONNX files are compared by what they
        // compute (to float precision), and metrics and signatures byte for byte.
        VibrationGenerator windows = new VibrationGenerator(5);
        TransactionGenerator transactions = new TransactionGenerator(5);
        float[][] readings = new float[200][];
        float[][] features = new float[200][];
        for (int i = 0; i < 200; i++) {
            readings[i] = toFloat(i % 2 == 0 ? windows.normal() : windows.anomalous());
            features[i] = toFloat(transactions.next().features());
        }
        for (var entry : Map.of("fraud-scorer", fraud, "sensor-anomaly", anomaly).entrySet()) {
            Path folder = MODELS.resolve(entry.getKey() + "/1");
            TrainedModel retrained = entry.getValue();
            assertThat(TrainedModel.json(retrained.metrics())).isEqualTo(Files.readString(folder.resolve("metrics.json")));
            assertThat(TrainedModel.json(retrained.signature())).isEqualTo(Files.readString(folder.resolve("signature.json")));
            boolean isFraud = entry.getKey().equals("fraud-scorer");
            String input = isFraud ? "features" : "readings";
            float[][] rows = isFraud ? features : readings;
            try (OrtSession session = ort.createSession(retrained.onnx())) {
                double[] expected = run(isFraud ? fraudSession : anomalySession, input, rows);
                double[] actual = run(session, input, rows);
                for (int i = 0; i < rows.length; i++) {
                    assertThat(actual[i]).as("%s row %d", entry.getKey(), i)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6 + 1e-5 * Math.abs(expected[i])));
                }
            }
        }
    }

    @Test
    void fraudScorerSeparatesFraudOnHeldOutData() throws Exception {
        assertThat(fraud.metrics().get("heldOutRocAuc").asDouble()).isGreaterThanOrEqualTo(0.90);

        // score fresh data (a seed the training never saw) through the committed ONNX file itself
        TransactionGenerator generator = new TransactionGenerator(99);
        int rows = 5_000;
        float[][] features = new float[rows][];
        boolean[] labels = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            TransactionGenerator.Transaction t = generator.next();
            features[r] = toFloat(t.features());
            labels[r] = t.fraud();
        }
        double[] scores = run(fraudSession, "features", features);

        assertThat(RocAuc.of(scores, labels)).isGreaterThanOrEqualTo(0.90);
        assertThat(Arrays.stream(scores).boxed()).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
    }

    @Test
    void fraudGraphTransformsWildInputsToFiniteScores() throws Exception {
        float[][] odd = {{-50f, 3, 0.5f, -1f, 0, 0, 0, 0}, {1e30f, 0, 1, 1e30f, 1000, 0, 1, 1}};

        assertThat(Arrays.stream(run(fraudSession, "features", odd)).boxed()).allSatisfy(s -> assertThat(s).isFinite());
    }

    @Test
    void anomalousWindowsScoreAboveNormalOnes() throws Exception {
        VibrationGenerator generator = new VibrationGenerator(7);
        int each = 500;
        float[][] normal = new float[each][];
        float[][] faulty = new float[each][];
        for (int i = 0; i < each; i++) {
            normal[i] = toFloat(generator.normal());
            faulty[i] = toFloat(generator.anomalous());
        }
        double threshold = anomaly.signature().get("threshold").asDouble();
        double[] normalScores = run(anomalySession, "readings", normal);
        double[] faultyScores = run(anomalySession, "readings", faulty);

        double maxNormal = Arrays.stream(normalScores).max().orElseThrow();
        long detected = Arrays.stream(faultyScores).filter(s -> s > threshold).count();
        long falseAlarms = Arrays.stream(normalScores).filter(s -> s > threshold).count();
        assertThat(detected).isGreaterThanOrEqualTo(each * 95 / 100);
        assertThat(falseAlarms).isLessThanOrEqualTo(each * 2 / 100);
        assertThat(Arrays.stream(faultyScores).average().orElseThrow()).isGreaterThan(10 * maxNormal);
        for (VibrationGenerator.Fault fault : VibrationGenerator.Fault.values()) {
            if (fault != VibrationGenerator.Fault.NONE) {
                double[] s = run(anomalySession, "readings", new float[][] {toFloat(generator.window(fault))});
                assertThat(s[0]).as(fault.name()).isGreaterThan(threshold);
            }
        }
    }

    @Test
    void signaturesNameTheGraphsInputsAndOutputs() throws Exception {
        JsonNode fraudSignature = fraud.signature();
        assertThat(fraudSession.getInputNames()).containsExactly(fraudSignature.get("inputName").asText());
        assertThat(fraudSession.getOutputNames()).containsExactly(fraudSignature.get("outputName").asText());
        assertThat(fraudSignature.get("features")).hasSize(TransactionGenerator.FEATURES.size());
        assertThat(anomalySession.getInputNames()).containsExactly("readings");
        assertThat(anomaly.signature().get("window").asInt()).isEqualTo(VibrationGenerator.WINDOW);
    }

    private double[] run(OrtSession session, String input, float[][] rows) throws Exception {
        try (OnnxTensor tensor = OnnxTensor.createTensor(ort, rows);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            float[][] out = (float[][]) result.get(0).getValue();
            double[] scores = new double[out.length];
            for (int i = 0; i < out.length; i++) {
                scores[i] = out[i][0];
            }
            return scores;
        }
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
