package dev.inferbus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyTargetTest {

    @Test
    void directP99MustStayWithin300Ms() {
        assertThat(LatencyTarget.direct().evaluate(100, 300.0).met()).isTrue();
        LatencyTarget.Verdict missed = LatencyTarget.direct().evaluate(100, 301.0);
        assertThat(missed.met()).isFalse();
        assertThat(missed.evidence()).contains("301", "300");
    }

    @Test
    void sqsP99MayTakeItsWindowPlusOneSecond() {
        assertThat(LatencyTarget.sqs(1).evaluate(200, 2000.0).met()).isTrue();
        assertThat(LatencyTarget.sqs(1).evaluate(200, 2000.5).met()).isFalse();
        assertThat(LatencyTarget.sqs(5).evaluate(50, 5999.0).met()).isTrue();
        assertThat(LatencyTarget.sqs(5).target()).isEqualTo("p99 ≤ 5 s window + 1 s = 6000 ms");
    }

    @Test
    void kinesisIsHeldTo2SecondsAt100EventsPerSecondOnly() {
        assertThat(LatencyTarget.kinesis().evaluate(100, 1999.0).met()).isTrue();
        assertThat(LatencyTarget.kinesis().evaluate(100, 2500.0).met()).isFalse();
        assertThat(LatencyTarget.kinesis().appliesAt(200)).isFalse();
        assertThat(LatencyTarget.kinesis().appliesAt(100)).isTrue();
        assertThat(LatencyTarget.direct().appliesAt(50)).isTrue();
    }

    @Test
    void aRunWithUnansweredEventsMissesWhateverItsP99() {
        LatencyTarget.Verdict verdict = LatencyTarget.direct().evaluate(100, 10.0, 3);
        assertThat(verdict.met()).isFalse();
        assertThat(verdict.evidence()).contains("3 events unanswered");
    }
}
