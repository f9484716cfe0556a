package dev.inferbus.events.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.Task;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void tensorsAgreeByTheirLargestElementGapAndDisagreeOnAnotherShape() {
        JsonNode a = json("{\"outputs\":[{\"name\":\"s\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[0.5,0.25]}]}");
        JsonNode b = json("{\"outputs\":[{\"name\":\"s\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[0.5,0.75]}]}");
        JsonNode other = json("{\"outputs\":[{\"name\":\"s\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[0.5,0.25]}]}");

        Agreement close = Agreement.of(Task.TENSOR, a, b);
        Agreement reshaped = Agreement.of(Task.TENSOR, a, other);

        assertThat(close.measure()).isCloseTo(0.5, within(1e-12));
        assertThat(close.disagrees()).isFalse();
        assertThat(reshaped.disagrees()).isTrue();
        assertThatThrownBy(() -> Agreement.of(Task.TENSOR, json("{}"), a)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void embeddingsAgreeByCosineWhateverTheirLengths() {
        // (3,4)·(6,8) = 50 over |5|·|10| = 1: a dot product alone (50) or unnormalized distance would not say 1
        Agreement same = Agreement.of(Task.TEXT_EMBEDDING, json("{\"embedding\":[3,4],\"dim\":2}"),
                json("{\"embedding\":[6,8],\"dim\":2}"));
        // (1,0)·(1,1) = 1 over 1·√2 = 0.70710678
        Agreement apart = Agreement.of(Task.TEXT_EMBEDDING, json("{\"embedding\":[1,0],\"dim\":2}"),
                json("{\"embedding\":[1,1],\"dim\":2}"));

        assertThat(same.measure()).isCloseTo(1.0, within(1e-12));
        assertThat(same.disagrees()).isFalse();
        assertThat(apart.measure()).isCloseTo(0.70710678, within(1e-8));
        assertThat(apart.disagrees()).isTrue();
    }

    @Test
    void embeddingsJustBelowTheThresholdDisagree() {
        // (1,0)·(0.99,0.15) / √(0.9801+0.0225) = 0.99 / 1.001299 = 0.98872: under 0.99
        Agreement close = Agreement.of(Task.TEXT_EMBEDDING, json("{\"embedding\":[1,0]}"), json("{\"embedding\":[0.99,0.15]}"));

        assertThat(close.measure()).isCloseTo(0.98872, within(1e-5));
        assertThat(close.disagrees()).isTrue();
    }

    @Test
    void embeddingsOfOtherDimensionsAreNotCompared() {
        assertThatThrownBy(() -> Agreement.of(Task.TEXT_EMBEDDING, json("{\"embedding\":[1,0]}"), json("{\"embedding\":[1,0,0]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2").hasMessageContaining("3");
    }

    @Test
    void classificationsDisagreeOnTheLabelAndMeasureTheAbsoluteScoreGap() {
        Agreement flipped = Agreement.of(Task.TABULAR_CLASSIFICATION, json("{\"label\":\"fraud\",\"score\":0.25}"),
                json("{\"label\":\"legit\",\"score\":0.75}"));
        Agreement same = Agreement.of(Task.TABULAR_CLASSIFICATION, json("{\"label\":\"fraud\",\"score\":0.9}"),
                json("{\"label\":\"fraud\",\"score\":0.6}"));

        assertThat(flipped.measure()).isCloseTo(0.5, within(1e-12));
        assertThat(flipped.disagrees()).isTrue();
        // a signed difference would say -0.3 here, or 0.3 only in one order
        assertThat(same.measure()).isCloseTo(0.3, within(1e-12));
        assertThat(same.disagrees()).isFalse();
    }

    @Test
    void anomaliesDisagreeOnTheFlagNotOnTheScore() {
        Agreement flagFlipped = Agreement.of(Task.ANOMALY_DETECTION, json("{\"score\":0.49,\"anomalous\":false}"),
                json("{\"score\":0.51,\"anomalous\":true}"));
        Agreement farButSameFlag = Agreement.of(Task.ANOMALY_DETECTION, json("{\"score\":0.1,\"anomalous\":false}"),
                json("{\"score\":0.4,\"anomalous\":false}"));

        assertThat(flagFlipped.measure()).isCloseTo(0.02, within(1e-12));
        assertThat(flagFlipped.disagrees()).isTrue();
        assertThat(farButSameFlag.measure()).isCloseTo(0.3, within(1e-12));
        assertThat(farButSameFlag.disagrees()).isFalse();
    }

    @Test
    void anOutputWithoutItsTasksFieldsIsRefusedNotReadAsZero() {
        assertThatThrownBy(() -> Agreement.of(Task.TABULAR_CLASSIFICATION, json("{\"label\":\"a\"}"), json("{\"label\":\"a\",\"score\":1}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score");
    }

    @Test
    void distributionTakesNearestRankPercentiles() {
        // measures 0.1 .. 1.0; nearest rank: p5 → ceil(0.5) = 1st, p50 → ceil(5) = 5th, p95 → ceil(9.5) = 10th
        List<Agreement> agreements = IntStream.rangeClosed(1, 10)
                .mapToObj(i -> new Agreement((11 - i) / 10.0, i % 3 == 0)).toList();

        Distribution d = Distribution.of(agreements);

        assertThat(d.n()).isEqualTo(10);
        assertThat(d.mean()).isCloseTo(0.55, within(1e-12));
        assertThat(d.p5()).isCloseTo(0.1, within(1e-12));
        assertThat(d.p50()).isCloseTo(0.5, within(1e-12));
        assertThat(d.p95()).isCloseTo(1.0, within(1e-12));
        assertThat(d.disagreements()).isEqualTo(3);
    }

    @Test
    void distributionOfThreeHasNoInterpolatedMedian() {
        // an interpolating p50 of {0.2, 0.4, 1.0} would be 0.4 too, but its p95 would be 0.94; nearest rank says 1.0
        Distribution d = Distribution.of(List.of(new Agreement(1.0, false), new Agreement(0.2, true), new Agreement(0.4, false)));

        assertThat(d.p5()).isEqualTo(0.2);
        assertThat(d.p50()).isEqualTo(0.4);
        assertThat(d.p95()).isEqualTo(1.0);
        assertThat(d.mean()).isCloseTo(1.6 / 3, within(1e-12));
    }

    @Test
    void anEmptyDistributionHasNoStatistics() {
        Distribution d = Distribution.of(List.of());

        assertThat(d.n()).isZero();
        assertThat(d.mean()).isNaN();
        assertThat(d.p50()).isNaN();
        assertThat(d.disagreements()).isZero();
    }
}
