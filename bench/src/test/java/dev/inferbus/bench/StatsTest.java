package dev.inferbus.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] sorted = Stats.sorted(List.of(4.0, 1.0, 3.0, 2.0));
        assertThat(Stats.percentile(sorted, 50)).isEqualTo(2.5);
        assertThat(Stats.percentile(sorted, 0)).isEqualTo(1.0);
        assertThat(Stats.percentile(sorted, 100)).isEqualTo(4.0);
    }

    @Test
    void p99OfOneToAHundredSitsJustUnderTheTop() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        // rank 0.99 × 99 = 98.01: between 99 and 100
        assertThat(Stats.percentile(Stats.sorted(values), 99)).isCloseTo(99.01, within(1e-9));
    }

    @Test
    void noValuesHaveNoPercentile() {
        assertThat(Stats.percentile(new double[0], 99)).isNaN();
    }
}
