package dev.inferbus.functions.gpu.generation;

import dev.inferbus.events.contract.DetailType;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceProgress;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.publish.EventPublisher;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where a streamed generation's progress events go. */
public interface ProgressSink {

    /** Completes when the event was handed on (or given up); never exceptionally: progress is best effort. */
    CompletableFuture<Void> publish(InferenceProgress progress);

    /** Publishes nothing: a forwarder without a bus (a benchmark, a scoring command). */
    ProgressSink NONE = progress -> CompletableFuture.completedFuture(null);

    /**
     * {@code InferenceProgress} events on the bus, through the result events' publisher. A progress event that
     * could not be put is not retried beyond the publisher's own attempts: the next one, or the request's
     * {@code InferenceCompleted}, carries the text anyway.
     */
    static ProgressSink bus(EventPublisher publisher, EventCodec codec, Clock clock) {
        return progress -> publisher.publish(List.of(new EventPublisher.Entry(DetailType.PROGRESS, codec.toJson(progress))),
                        clock.millis() + TimeBudgets.AWS_CALL.toMillis())
                .handle((accepted, error) -> null);
    }
}
