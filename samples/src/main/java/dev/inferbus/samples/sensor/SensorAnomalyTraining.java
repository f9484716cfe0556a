package dev.inferbus.samples.sensor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.drift.Bins;
import dev.inferbus.events.drift.DriftReference;
import dev.inferbus.events.drift.ReadingStats;
import dev.inferbus.samples.training.OnnxGraphs;
import dev.inferbus.samples.training.ReferenceBins;
import dev.inferbus.samples.training.RocAuc;
import dev.inferbus.samples.training.TrainedModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Trains {@code sensor-anomaly}: PCA on healthy windows only; the score is the mean squared reconstruction error,
 * which faults raise because they put energy outside the healthy subspace.
 */
public final class SensorAnomalyTraining {

    public static final long SEED = 20261123L;
    public static final int TRAIN_WINDOWS = 4_000;
    public static final int TEST_WINDOWS = 2_000;
    /** Two sinusoids at random phases span four dimensions. */
    public static final int COMPONENTS = 4;
    /** The threshold sits this factor above the 99th percentile of held-out healthy scores. */
    private static final double THRESHOLD_MARGIN = 1.5;

    private SensorAnomalyTraining() {
    }

    public static TrainedModel train() {
        VibrationGenerator generator = new VibrationGenerator(SEED);
        int n = VibrationGenerator.WINDOW;
        double[][] train = new double[TRAIN_WINDOWS][];
        double[] mean = new double[n];
        Map<String, double[]> stats = new LinkedHashMap<>();
        ReadingStats.NAMES.forEach(name -> stats.put(name, new double[TRAIN_WINDOWS]));
        for (int r = 0; r < TRAIN_WINDOWS; r++) {
            train[r] = generator.normal();
            int row = r;
            ReadingStats.of(train[r]).forEach((name, value) -> stats.get(name)[row] = value);
            for (int c = 0; c < n; c++) {
                mean[c] += train[r][c] / TRAIN_WINDOWS;
            }
        }
        double[][] covariance = new double[n][n];
        for (double[] row : train) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    covariance[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (TRAIN_WINDOWS - 1);
                }
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(covariance, false));
        double[] eigenvalues = eigen.getRealEigenvalues();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(eigenvalues[j], eigenvalues[i]));
        RealMatrix vectors = eigen.getV();
        double[][] axes = new double[n][COMPONENTS];
        for (int k = 0; k < COMPONENTS; k++) {
            double[] v = vectors.getColumn(order[k]);
            // fix each axis' sign so that a retrain writes the same bytes
            double sign = Math.signum(v[0]) == 0 ? 1 : Math.signum(v[0]);
            for (int c = 0; c < n; c++) {
                axes[c][k] = sign * v[c];
            }
        }

        double[] normalScores = new double[TEST_WINDOWS];
        double[] scores = new double[2 * TEST_WINDOWS];
        boolean[] anomalous = new boolean[2 * TEST_WINDOWS];
        for (int r = 0; r < TEST_WINDOWS; r++) {
            normalScores[r] = score(generator.normal(), mean, axes);
            scores[r] = normalScores[r];
            scores[TEST_WINDOWS + r] = score(generator.anomalous(), mean, axes);
            anomalous[TEST_WINDOWS + r] = true;
        }
        double[] sorted = normalScores.clone();
        Arrays.sort(sorted);
        double threshold = round(sorted[(int) Math.floor(0.99 * (TEST_WINDOWS - 1))] * THRESHOLD_MARGIN);
        long falseAlarms = Arrays.stream(normalScores).filter(s -> s > threshold).count();
        long detected = Arrays.stream(scores, TEST_WINDOWS, 2 * TEST_WINDOWS).filter(s -> s > threshold).count();

        byte[] onnx = OnnxGraphs.pcaReconstructionError("readings", "score", mean, axes);
        ObjectNode signature = TrainedModel.JSON.createObjectNode()
                .put("task", "anomaly-detection")
                .put("source", "trained by dev.inferbus.samples.sensor.SensorAnomalyTraining (seed " + SEED + ")")
                .put("inputName", "readings")
                .put("outputName", "score")
                .put("window", n)
                .put("threshold", threshold);
        ObjectNode metrics = TrainedModel.JSON.createObjectNode()
                .put("seed", SEED)
                .put("trainWindows", TRAIN_WINDOWS)
                .put("testWindows", 2 * TEST_WINDOWS)
                .put("components", COMPONENTS)
                .put("heldOutRocAuc", round(RocAuc.of(scores, anomalous)))
                .put("falseAlarmRate", round((double) falseAlarms / TEST_WINDOWS))
                .put("detectionRate", round((double) detected / TEST_WINDOWS));
        return new TrainedModel(onnx, signature, metrics, reference(stats, normalScores, threshold));
    }

    /**
     * The training windows' reading statistics; the score and label mix of the held-out healthy windows, the
     * traffic a monitored machine sends most of the time (the faulty half of the test set is there for the ROC).
     */
    private static DriftReference reference(Map<String, double[]> stats, double[] healthyScores, double threshold) {
        Map<String, Bins> inputs = new LinkedHashMap<>();
        stats.forEach((name, column) -> inputs.put(name, ReferenceBins.of(column)));
        long anomalous = Arrays.stream(healthyScores).filter(s -> s > threshold).count();
        Map<String, Double> labels = new LinkedHashMap<>();
        labels.put(DriftReference.ANOMALY_LABELS.get(0), (double) (healthyScores.length - anomalous) / healthyScores.length);
        labels.put(DriftReference.ANOMALY_LABELS.get(1), (double) anomalous / healthyScores.length);
        return new DriftReference("sensor-anomaly", "1", "dev.inferbus.samples.sensor.SensorAnomalyTraining (seed " + SEED
                + "): reading statistics of the " + TRAIN_WINDOWS + " training windows, score and labels of the "
                + healthyScores.length + " held-out healthy windows", TRAIN_WINDOWS, inputs, ReferenceBins.of(healthyScores), labels);
    }

    /** The score the ONNX graph computes, in double precision. */
    public static double score(double[] window, double[] mean, double[][] axes) {
        int n = window.length;
        int k = axes[0].length;
        double[] centered = new double[n];
        for (int c = 0; c < n; c++) {
            centered[c] = window[c] - mean[c];
        }
        double[] codes = new double[k];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < n; c++) {
                codes[j] += centered[c] * axes[c][j];
            }
        }
        double error = 0;
        for (int c = 0; c < n; c++) {
            double reconstructed = 0;
            for (int j = 0; j < k; j++) {
                reconstructed += codes[j] * axes[c][j];
            }
            error += (centered[c] - reconstructed) * (centered[c] - reconstructed);
        }
        return error / n;
    }

    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
