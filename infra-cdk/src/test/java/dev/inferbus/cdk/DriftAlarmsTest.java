package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.drift.DriftAlarm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The synthesized stack's drift alarms carry {@link DriftAlarm}'s metric, statistic, period and threshold: the
 * terms the functions' ShiftedWorkloadTest applies to the EMF documents of a shifted workload.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftAlarmsTest {

    private final Synthesized synth = Synthesized.sample();

    @Test
    void eachModelWithAReferenceHasAnAlarmOnItsLargestInputPsi() {
        // fraud-scorer and sensor-anomaly ship references; sentence-embedder (not trained here) and the gpu models do not
        assertAlarmsPerReferencedModel(DriftAlarm.METRIC);
    }

    @Test
    void eachModelWithAReferenceHasAnAlarmOnItsScorePsiBesideIt() {
        // both references hold the scores the model gave its training rows
        assertAlarmsPerReferencedModel(DriftAlarm.SCORE_METRIC);
    }

    @SuppressWarnings("unchecked")
    private void assertAlarmsPerReferencedModel(String metric) {
        List<Map<String, Object>> drift = synth.resources("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> metric.equals(a.get("MetricName"))).toList();

        assertThat(drift).extracting(a -> ((List<Map<String, Object>>) a.get("Dimensions")).getFirst().get("Value"))
                .containsExactlyInAnyOrder("fraud-scorer", "sensor-anomaly");
        for (Map<String, Object> alarm : drift) {
            assertThat(alarm).containsEntry("Namespace", Observability.NAMESPACE)
                    .containsEntry("Statistic", DriftAlarm.STATISTIC)
                    .containsEntry("Period", DriftAlarm.PERIOD_MINUTES * 60)
                    .containsEntry("ComparisonOperator", "GreaterThanThreshold")
                    .containsEntry("EvaluationPeriods", 1)
                    .containsEntry("TreatMissingData", "notBreaching");
            assertThat(((Number) alarm.get("Threshold")).doubleValue()).isEqualTo(DriftAlarm.THRESHOLD);
            assertThat((List<Map<String, Object>>) alarm.get("Dimensions")).hasSize(1);
        }
    }
}
