package dev.inferbus.events.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bins of one numeric column and the share of the reference data in each. Bin {@code i} holds the values in
 * {@code (edges[i-1], edges[i]]}: the first is open below, the last open above, so every value has a bin.
 *
 * @param edges    the upper edges of every bin but the last, strictly increasing
 * @param expected the reference's share in each bin, {@code edges.size() + 1} of them, summing to 1
 */
public record Bins(List<Double> edges, List<Double> expected) {

    /**
     * The share an empty bin counts as in {@link #psi}: ln(0) is undefined, so a bin that holds nothing on one
     * side is floored at 0.01 % — small against the decile bins (10 %) the references use, so an empty bin still
     * adds a large term (≈ 0.69 for an emptied decile), never an infinite one that would hide how many bins moved.
     */
    public static final double EPSILON = 1e-4;
    private static final double SUM_TOLERANCE = 1e-4;

    public Bins {
        edges = List.copyOf(edges);
        expected = List.copyOf(expected);
        if (expected.size() != edges.size() + 1) {
            throw new IllegalArgumentException(edges.size() + " edges make " + (edges.size() + 1) + " bins, not "
                    + expected.size());
        }
        for (int i = 1; i < edges.size(); i++) {
            if (!(edges.get(i) > edges.get(i - 1))) {
                throw new IllegalArgumentException("edges must increase: " + edges);
            }
        }
        double sum = expected.stream().mapToDouble(Double::doubleValue).sum();
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("the expected shares sum to " + sum + ", not 1");
        }
    }

    public int count() {
        return expected.size();
    }

    /** The bin holding {@code value}: the number of edges below it. */
    public int binOf(double value) {
        int low = 0;
        int high = edges.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (edges.get(mid) < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The population stability index of observed bin counts against the expected shares: Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ),
     * with aᵢ the observed share, and either share floored at {@link #EPSILON}.
     */
    public double psi(long[] counts) {
        if (counts.length != count()) {
            throw new IllegalArgumentException(counts.length + " counts for " + count() + " bins");
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double psi = 0;
        for (int i = 0; i < counts.length; i++) {
            double actual = Math.max(total == 0 ? 0 : (double) counts[i] / total, EPSILON);
            double reference = Math.max(expected.get(i), EPSILON);
            psi += (actual - reference) * Math.log(actual / reference);
        }
        return psi;
    }

    /**
     * Bins at the {@code bins}-quantiles of a sample (nearest rank), with the sample's own shares. Equal quantiles
     * collapse into one edge and an edge at the maximum is dropped, so a discrete column (a 0/1 flag, a small
     * count) gets one bin per value it takes rather than empty bins.
     */
    public static Bins quantiles(double[] sample, int bins) {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        List<Double> edges = new ArrayList<>();
        for (int q = 1; q < bins; q++) {
            double edge = sorted[(int) Math.ceil((double) q * n / bins) - 1];
            if (edge < sorted[n - 1] && (edges.isEmpty() || edge > edges.getLast())) {
                edges.add(edge);
            }
        }
        return withShares(edges, sample);
    }

    /** {@code edges} with the shares of {@code sample} in their bins. */
    public static Bins withShares(List<Double> edges, double[] sample) {
        Bins counting = new Bins(edges, uniform(edges.size() + 1));
        long[] counts = new long[counting.count()];
        for (double value : sample) {
            counts[counting.binOf(value)]++;
        }
        List<Double> shares = new ArrayList<>(counts.length);
        for (long c : counts) {
            shares.add((double) c / sample.length);
        }
        return new Bins(edges, shares);
    }

    private static List<Double> uniform(int bins) {
        List<Double> shares = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            shares.add(1.0 / bins);
        }
        return shares;
    }
}
