package dev.inferbus.functions.gpu.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceProgress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    /** A clock the test moves. */
    private static final class StepClock extends Clock {
        long millis;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void publishesTheTextSoFarAtMostOncePerSecondInSequenceAndEachAfterThePreviousWasHandedOn() {
        StepClock clock = new StepClock();
        List<InferenceProgress> handedOn = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        ProgressSink sink = event -> {
            CompletableFuture<Void> put = new CompletableFuture<>();
            pending.add(put);
            return put.thenRun(() -> handedOn.add(event));
        };
        ProgressTracker tracker = new ProgressTracker("req-1", "chat", "1", null, sink, clock);
        long[] at = {0, 300, 900, 1000, 1500, 2200, 2300};
        String[] tokens = {"Once", " upon", " a", " time", " there", " was", " a"};
        for (int i = 0; i < at.length; i++) {
            clock.millis = at[i];
            tracker.token(tokens[i]);
        }

        // three are due (0, 1000, 2200 ms) but only the first is started until it has been handed on
        assertThat(tracker.published()).isEqualTo(3);
        assertThat(pending).hasSize(1);
        while (pending.size() > handedOn.size()) {
            pending.get(handedOn.size()).complete(null);
        }
        assertThat(tracker.drained()).isCompleted();
        assertThat(handedOn).extracting(InferenceProgress::sequence).containsExactly(0L, 1L, 2L);
        assertThat(handedOn).extracting(InferenceProgress::text).containsExactly("Once", "Once upon a time", "Once upon a time there was");
        assertThat(handedOn).extracting(InferenceProgress::tokensSoFar).containsExactly(1, 4, 6);
        EventCodec codec = EventCodec.create();
        handedOn.forEach(e -> assertThat(codec.schemas().checkProgress(codec.mapper().valueToTree(e))).isEmpty());
    }
}
