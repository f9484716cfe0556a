package dev.inferbus.samples.training;

import dev.inferbus.events.drift.Bins;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The bins a trained model's reference takes of a column: deciles, the convention for PSI. Edges are rounded to
 * six significant digits before the shares are counted, so that a retrain writes the same file even where a
 * column (the PCA's scores) differs from the last run in its last bits.
 */
public final class ReferenceBins {

    public static final int DECILES = 10;
    private static final MathContext SIX_DIGITS = new MathContext(6);

    private ReferenceBins() {
    }

    public static Bins of(double[] column) {
        List<Double> edges = new ArrayList<>();
        for (double edge : Bins.quantiles(column, DECILES).edges()) {
            double rounded = new BigDecimal(edge).round(SIX_DIGITS).doubleValue();
            if (edges.isEmpty() || rounded > edges.getLast()) {
                edges.add(rounded);
            }
        }
        return Bins.withShares(edges, column);
    }
}
