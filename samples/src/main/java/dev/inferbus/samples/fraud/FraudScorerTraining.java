package dev.inferbus.samples.fraud;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.drift.Bins;
import dev.inferbus.events.drift.DriftReference;
import dev.inferbus.samples.training.LogisticRegression;
import dev.inferbus.samples.training.OnnxGraphs;
import dev.inferbus.samples.training.ReferenceBins;
import dev.inferbus.samples.training.RocAuc;
import dev.inferbus.samples.training.TrainedModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains {@code fraud-scorer} on {@link TransactionGenerator} data and evaluates it on a held-out split.
 *
 * <p>Every version shares the data (seed, split), the features, the graph and the signature's fields; a version
 * differs from another only by its {@link Options}. The versions:
 * <ul>
 *   <li>{@link #V1}: plain L2-regularised logistic regression. Its scores are calibrated probabilities, and with
 *       about 2 % fraud few rows reach the 0.5 threshold: it catches a quarter of the fraud.</li>
 *   <li>{@link #V2}: the same, with fraud rows weighted {@value #V2_FRAUD_WEIGHT}× in the log-likelihood, for the
 *       assumption that a missed fraud costs about ten times a reviewed false alarm. The weighted model flags at
 *       0.5 what v1 would flag at about 1/11, so it trades precision for recall at the same threshold; the
 *       ranking (ROC AUC) barely moves, and its scores are no longer calibrated probabilities.</li>
 * </ul>
 */
public final class FraudScorerTraining {

    public static final long SEED = 20261122L;
    public static final int TRAIN_ROWS = 40_000;
    public static final int TEST_ROWS = 20_000;
    public static final double THRESHOLD = 0.5;
    private static final double L2 = 1.0;
    static final double V2_FRAUD_WEIGHT = 10.0;

    /**
     * What one version's training changes.
     *
     * @param version     the model version it is written under, {@code models/fraud-scorer/<version>}
     * @param fraudWeight how many times each fraud row counts in the log-likelihood (1: unweighted)
     * @param change      what this version changes from the previous one, recorded in its metrics; null for the first
     */
    public record Options(int version, double fraudWeight, String change) {
    }

    public static final Options V1 = new Options(1, 1.0, null);
    public static final Options V2 = new Options(2, V2_FRAUD_WEIGHT,
            "class weighting: fraud rows weighted " + (int) V2_FRAUD_WEIGHT + "x in the log-likelihood (a missed fraud"
                    + " taken to cost about ten reviewed false alarms); same data, features, L2 and threshold as v1."
                    + " Trades precision for recall at 0.5; scores are no longer calibrated probabilities");
    /** Every version, in order; {@code TrainSampleModels} writes each. */
    public static final List<Options> VERSIONS = List.of(V1, V2);

    private FraudScorerTraining() {
    }

    /** Trains {@link #V1}. */
    public static TrainedModel train() {
        return train(V1);
    }

    public static TrainedModel train(Options options) {
        TransactionGenerator generator = new TransactionGenerator(SEED);
        int n = TransactionGenerator.FEATURES.size();
        boolean[] logColumns = new boolean[n];
        for (int i = 0; i < n; i++) {
            logColumns[i] = TransactionGenerator.LOG_FEATURES.contains(TransactionGenerator.FEATURES.get(i));
        }
        double[][] train = new double[TRAIN_ROWS][];
        boolean[] trainLabels = new boolean[TRAIN_ROWS];
        double[][] columns = new double[n][TRAIN_ROWS];
        for (int r = 0; r < TRAIN_ROWS; r++) {
            TransactionGenerator.Transaction t = generator.next();
            train[r] = transform(t.features(), logColumns);
            trainLabels[r] = t.fraud();
            for (int c = 0; c < n; c++) {
                columns[c][r] = t.features()[c];
            }
        }
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int c = 0; c < n; c++) {
            for (double[] row : train) {
                mean[c] += row[c] / TRAIN_ROWS;
            }
            for (double[] row : train) {
                std[c] += (row[c] - mean[c]) * (row[c] - mean[c]) / TRAIN_ROWS;
            }
            std[c] = StrictMath.sqrt(std[c]);
        }
        double[][] standardised = new double[TRAIN_ROWS][];
        for (int r = 0; r < TRAIN_ROWS; r++) {
            standardised[r] = standardise(train[r], mean, std);
        }
        LogisticRegression model = LogisticRegression.fit(standardised, trainLabels, L2, options.fraudWeight());

        double[] scores = new double[TEST_ROWS];
        boolean[] labels = new boolean[TEST_ROWS];
        int frauds = 0;
        int flagged = 0;
        int caught = 0;
        for (int r = 0; r < TEST_ROWS; r++) {
            TransactionGenerator.Transaction t = generator.next();
            scores[r] = model.predict(standardise(transform(t.features(), logColumns), mean, std));
            labels[r] = t.fraud();
            frauds += t.fraud() ? 1 : 0;
            boolean flag = scores[r] >= THRESHOLD;
            flagged += flag ? 1 : 0;
            caught += flag && t.fraud() ? 1 : 0;
        }

        byte[] onnx = OnnxGraphs.logisticRegression("features", "score", logColumns, mean, std, model.weights(), model.bias(),
                options.version());
        ObjectNode signature = TrainedModel.JSON.createObjectNode()
                .put("task", "tabular-classification")
                .put("source", "trained by dev.inferbus.samples.fraud.FraudScorerTraining (seed " + SEED
                        + (options.fraudWeight() == 1.0 ? "" : ", fraud class weight " + options.fraudWeight()) + ")")
                .put("inputName", "features")
                .put("outputName", "score")
                .put("threshold", THRESHOLD);
        TransactionGenerator.FEATURES.forEach(signature.putArray("features")::add);
        signature.putArray("labels").add("legit").add("fraud");
        ObjectNode metrics = TrainedModel.JSON.createObjectNode();
        if (options.change() != null) {
            metrics.put("change", options.change());
        }
        metrics.put("seed", SEED)
                .put("trainRows", TRAIN_ROWS)
                .put("testRows", TEST_ROWS)
                .put("testFraudRate", round((double) frauds / TEST_ROWS))
                .put("heldOutRocAuc", round(RocAuc.of(scores, labels)))
                .put("precisionAtThreshold", round(flagged == 0 ? 0 : (double) caught / flagged))
                .put("recallAtThreshold", round((double) caught / frauds));
        return new TrainedModel(onnx, signature, metrics, reference(options, columns, scores, flagged));
    }

    /** Inputs as the training saw them (raw, before the graph's log and scaling); score and label mix held out. */
    private static DriftReference reference(Options options, double[][] columns, double[] heldOutScores, int flagged) {
        Map<String, Bins> inputs = new LinkedHashMap<>();
        for (int c = 0; c < columns.length; c++) {
            inputs.put(TransactionGenerator.FEATURES.get(c), ReferenceBins.of(columns[c]));
        }
        Map<String, Double> labels = new LinkedHashMap<>();
        labels.put("legit", (double) (TEST_ROWS - flagged) / TEST_ROWS);
        labels.put("fraud", (double) flagged / TEST_ROWS);
        return new DriftReference("fraud-scorer", String.valueOf(options.version()), "dev.inferbus.samples.fraud.FraudScorerTraining"
                + " (seed " + SEED + "): inputs from the " + TRAIN_ROWS + " training rows, score and labels (at " + THRESHOLD
                + ") from the " + TEST_ROWS + " held-out rows", TRAIN_ROWS, inputs, ReferenceBins.of(heldOutScores), labels);
    }

    static double[] transform(double[] features, boolean[] logColumns) {
        double[] out = features.clone();
        for (int c = 0; c < out.length; c++) {
            if (logColumns[c]) {
                out[c] = StrictMath.log1p(Math.abs(out[c]));
            }
        }
        return out;
    }

    private static double[] standardise(double[] row, double[] mean, double[] std) {
        double[] out = new double[row.length];
        for (int c = 0; c < row.length; c++) {
            out[c] = (row[c] - mean[c]) / std[c];
        }
        return out;
    }

    static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
