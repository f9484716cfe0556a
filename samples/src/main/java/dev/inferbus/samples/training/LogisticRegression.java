package dev.inferbus.samples.training;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features: deterministic,
 * converges in a handful of steps on a few features, and needs no learning rate.
 *
 * @param weights per standardised feature
 */
public record LogisticRegression(double[] weights, double bias) {

    private static final int MAX_ITERATIONS = 50;
    private static final double TOLERANCE = 1e-10;

    /** @param x standardised rows; {@code l2} penalises the weights, not the bias */
    public static LogisticRegression fit(double[][] x, boolean[] y, double l2) {
        return fit(x, y, l2, 1.0);
    }

    /**
     * As {@link #fit(double[][], boolean[], double)}, with each positive row counted {@code positiveWeight} times
     * in the log-likelihood (class weighting). A weight of 1 gives exactly the unweighted fit, bit for bit.
     */
    public static LogisticRegression fit(double[][] x, boolean[] y, double l2, double positiveWeight) {
        int n = x.length;
        int d = x[0].length + 1;
        RealVector beta = new ArrayRealVector(d);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            RealVector gradient = new ArrayRealVector(d);
            RealMatrix hessian = new Array2DRowRealMatrix(d, d);
            for (int i = 0; i < n; i++) {
                double[] row = withBias(x[i]);
                double p = sigmoid(new ArrayRealVector(row, false).dotProduct(beta));
                double weight = y[i] ? positiveWeight : 1.0;
                double residual = weight * ((y[i] ? 1 : 0) - p);
                double w = weight * p * (1 - p);
                for (int a = 0; a < d; a++) {
                    gradient.addToEntry(a, residual * row[a]);
                    for (int b = 0; b < d; b++) {
                        hessian.addToEntry(a, b, w * row[a] * row[b]);
                    }
                }
            }
            for (int a = 1; a < d; a++) {
                gradient.addToEntry(a, -l2 * beta.getEntry(a));
                hessian.addToEntry(a, a, l2);
            }
            RealVector step = new LUDecomposition(hessian).getSolver().solve(gradient);
            beta = beta.add(step);
            if (step.getNorm() < TOLERANCE) {
                break;
            }
        }
        double[] weights = new double[d - 1];
        for (int a = 1; a < d; a++) {
            weights[a - 1] = beta.getEntry(a);
        }
        return new LogisticRegression(weights, beta.getEntry(0));
    }

    public double predict(double[] standardised) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * standardised[i];
        }
        return sigmoid(z);
    }

    private static double[] withBias(double[] row) {
        double[] out = new double[row.length + 1];
        out[0] = 1;
        System.arraycopy(row, 0, out, 1, row.length);
        return out;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + StrictMath.exp(-z));
    }
}
