package dev.inferbus.samples.training;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Area under the ROC curve by the rank statistic (Mann–Whitney U), ties counted half. */
public final class RocAuc {

    private RocAuc() {
    }

    public static double of(double[] scores, boolean[] positive) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC AUC needs both classes; got " + positives + " positives of " + scores.length);
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
