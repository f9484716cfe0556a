package dev.inferbus.events.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinsTest {

    @Test
    void psiIsTheSumOfEachBinsShareDifferenceTimesTheLogOfTheirRatio() {
        Bins halves = new Bins(List.of(0.0), List.of(0.5, 0.5));

        // (0.75 - 0.5)·ln(0.75/0.5) + (0.25 - 0.5)·ln(0.25/0.5), by hand
        assertThat(halves.psi(new long[] {3, 1})).isCloseTo(0.2746530721670274, within(1e-12));
        assertThat(new Bins(List.of(1.0, 2.0), List.of(0.25, 0.25, 0.5)).psi(new long[] {1, 1, 2})).isZero();
    }

    @Test
    void anEmptyBinCountsAsEpsilonSoItsTermIsLargeButFinite() {
        Bins halves = new Bins(List.of(0.0), List.of(0.5, 0.5));

        // (1 - 0.5)·ln(1/0.5) + (1e-4 - 0.5)·ln(1e-4/0.5)
        assertThat(Bins.EPSILON).isEqualTo(1e-4);
        assertThat(halves.psi(new long[] {4, 0})).isCloseTo(4.60431846666895, within(1e-12));
    }

    @Test
    void aValueFallsInTheFirstBinWhoseUpperEdgeHoldsIt() {
        Bins bins = new Bins(List.of(2.0, 4.0, 6.0, 8.0), List.of(0.2, 0.2, 0.2, 0.2, 0.2));

        assertThat(bins.binOf(-5)).isZero();
        assertThat(bins.binOf(2)).isZero();
        assertThat(bins.binOf(2.5)).isEqualTo(1);
        assertThat(bins.binOf(8)).isEqualTo(3);
        assertThat(bins.binOf(100)).isEqualTo(4);
    }

    @Test
    void quantileEdgesSplitASampleIntoEqualShares() {
        double[] sample = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

        Bins bins = Bins.quantiles(sample, 5);

        assertThat(bins.edges()).containsExactly(2.0, 4.0, 6.0, 8.0);
        assertThat(bins.expected()).containsExactly(0.2, 0.2, 0.2, 0.2, 0.2);
        assertThat(bins.psi(new long[] {2, 2, 2, 2, 2})).isZero();
    }

    @Test
    void aDiscreteColumnKeepsOneBinPerDistinctQuantileAndNoneAboveItsMaximum() {
        double[] sample = new double[100];
        for (int i = 92; i < 100; i++) {
            sample[i] = 1;
        }

        Bins bins = Bins.quantiles(sample, 10);

        assertThat(bins.edges()).containsExactly(0.0);
        assertThat(bins.expected()).containsExactly(0.92, 0.08);
    }

    @Test
    void sharesMustMatchTheEdgesAndSumToOne() {
        assertThatThrownBy(() -> new Bins(List.of(1.0), List.of(1.0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bins(List.of(1.0), List.of(0.5, 0.4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bins(List.of(2.0, 1.0), List.of(0.5, 0.25, 0.25))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Bins(List.of(0.0), List.of(0.5, 0.5)).psi(new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
