package dev.inferbus.events.compare;

import java.util.Arrays;
import java.util.List;

/**
 * A summary of many {@link Agreement}s. Percentiles are nearest-rank: the p-th is the value at 1-based rank
 * ⌈p/100 · n⌉ of the sorted measures, so each is a measure some pair really had (interpolating between two pairs
 * would invent a value, misleading for a handful of replayed requests). With no pairs every statistic is NaN.
 */
public record Distribution(int n, double mean, double p5, double p50, double p95, int disagreements) {

    public static Distribution of(List<Agreement> agreements) {
        double[] sorted = agreements.stream().mapToDouble(Agreement::measure).sorted().toArray();
        int disagreements = (int) agreements.stream().filter(Agreement::disagrees).count();
        double mean = sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).sum() / sorted.length;
        return new Distribution(sorted.length, mean, nearestRank(sorted, 5), nearestRank(sorted, 50), nearestRank(sorted, 95),
                disagreements);
    }

    private static double nearestRank(double[] sorted, int percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
