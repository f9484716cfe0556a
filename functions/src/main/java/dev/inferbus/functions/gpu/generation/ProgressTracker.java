package dev.inferbus.functions.gpu.generation;

import dev.inferbus.events.contract.InferenceProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One streamed request's progress: the text so far, published at most once per {@link #INTERVAL} (the first token
 * at once), each event after the one before it has been handed on, with sequence numbers from 0. Tokens arrive
 * one after another from the stream's subscriber, never concurrently.
 */
public final class ProgressTracker {

    /** The least time between two progress events of one request. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final String requestId;
    private final String model;
    private final String version;
    private final String traceparent;
    private final ProgressSink sink;
    private final Clock clock;
    private final StringBuilder text = new StringBuilder();
    private int tokens;
    private long sequence;
    private Long lastMillis;
    private CompletableFuture<Void> published = CompletableFuture.completedFuture(null);

    public ProgressTracker(String requestId, String model, String version, String traceparent, ProgressSink sink, Clock clock) {
        this.requestId = requestId;
        this.model = model;
        this.version = version;
        this.traceparent = traceparent;
        this.sink = sink;
        this.clock = clock;
    }

    /** One more token of text; publishes the text so far when the last event is at least an interval old. */
    public void token(String token) {
        text.append(token);
        tokens++;
        long now = clock.millis();
        if (lastMillis != null && now - lastMillis < INTERVAL.toMillis()) {
            return;
        }
        lastMillis = now;
        InferenceProgress event = new InferenceProgress(requestId, model, version, sequence++, text.toString(), tokens, traceparent);
        published = published.thenCompose(v -> sink.publish(event));
    }

    /** How many progress events were started. */
    public long published() {
        return sequence;
    }

    /** Completes once every progress event started so far was handed on: the completion follows them. */
    public CompletableFuture<Void> drained() {
        return published;
    }
}
