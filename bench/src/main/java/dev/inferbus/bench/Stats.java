package dev.inferbus.bench;

import java.util.Arrays;
import java.util.List;

/** Median and spread of repeated trials; percentiles of latencies. */
record Stats(double median, double min, double max, int n) {

    static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(percentile(v, 50), v[0], v[v.length - 1], v.length);
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    static double[] sorted(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }

    String format(String unit) {
        return String.format("%.1f %s (%.1f–%.1f, n=%d)", median, unit, min, max, n);
    }
}
