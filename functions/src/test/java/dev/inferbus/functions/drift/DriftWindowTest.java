package dev.inferbus.functions.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inferbus.events.drift.Bins;
import dev.inferbus.events.drift.DriftReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftWindowTest {

    private static final Bins HALVES = new Bins(List.of(0.0), List.of(0.5, 0.5));
    private static final DriftReference REFERENCE = new DriftReference("m", "1", "test", 2, Map.of("x", HALVES), HALVES, Map.of());

    private static Observation at(double x, double score) {
        return new Observation(Map.of("x", x), score, null, Map.of());
    }

    @Test
    void noPsiUntilTheWindowHoldsEnoughRequestsToTellAShiftFromNoise() {
        DriftWindow window = new DriftWindow(REFERENCE);
        for (int i = 0; i < DriftWindow.MIN_RECORDS - 1; i++) {
            window.add(at(i % 2 == 0 ? -1 : 1, 1));
        }
        assertThat(window.psi()).isEmpty();

        window.add(at(1, 1));

        DriftWindow.Psi psi = window.psi().orElseThrow();
        // x: 250 / 250 against halves, nothing moved; score: every request above 0, the lower half emptied
        assertThat(psi.inputs().get("x")).isCloseTo(0, within(1e-5));
        assertThat(psi.score()).isCloseTo(0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), within(1e-9));
        assertThat(psi.max()).isEqualTo(psi.inputs().get("x"));
    }

    @Test
    void theWindowForgetsItsOldestRequests() {
        DriftWindow window = new DriftWindow(REFERENCE);
        for (int i = 0; i < DriftWindow.CAPACITY; i++) {
            window.add(at(-1, -1));
        }
        double allLow = window.psi().orElseThrow().inputs().get("x");
        for (int i = 0; i < DriftWindow.CAPACITY; i++) {
            window.add(at(i % 2 == 0 ? -1 : 1, -1));
        }

        assertThat(allLow).isGreaterThan(4);
        assertThat(window.psi().orElseThrow().inputs().get("x")).isCloseTo(0, within(1e-12));
    }

    @Test
    void aRequestLackingAReferenceColumnIsNotCounted() {
        DriftWindow window = new DriftWindow(REFERENCE);
        for (int i = 0; i < DriftWindow.MIN_RECORDS; i++) {
            window.add(new Observation(Map.of("y", 1.0), 1.0, null, Map.of()));
        }

        assertThat(window.psi()).isEmpty();
    }
}
