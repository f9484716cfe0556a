package dev.inferbus.functions.publish;

import dev.inferbus.events.contract.DetailType;
import java.time.Clock;
import java.time.Duration;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes result events with {@code PutEvents}, 10 entries per call, calls in parallel. A failed call has
 * already been retried by the client's own retry strategy; what is left — per-entry failures, which PutEvents
 * reports inside a successful response ("FailedEntryCount", PutEvents API reference) and no SDK retries — is sent
 * again after the SDK's exponential backoff with full jitter, so that many functions retrying one throttled bus
 * spread out (AWS Builders' Library, "Timeouts, retries and backoff with jitter"). No call starts after the
 * caller's deadline (the end of its publish lease less one call), so a publisher never publishes outside its
 * lease; the returned flags say, per entry, whether it was accepted.
 */
public final class EventPublisher {

    public static final int ENTRIES_PER_CALL = 10;

    private final EventBridgeAsyncClient events;
    private final String bus;
    private final int attempts;
    private final BackoffStrategy backoff;
    private final Clock clock;

    public EventPublisher(EventBridgeAsyncClient events, String bus, int attempts, BackoffStrategy backoff, Clock clock) {
        this.events = events;
        this.bus = bus;
        this.attempts = attempts;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Four attempts per entry, full-jitter backoff from 50 ms up to 1 s. */
    public static EventPublisher standard(EventBridgeAsyncClient events, String bus, Clock clock) {
        return new EventPublisher(events, bus, 4, BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(1)), clock);
    }

    /** One event to publish: its detail type and detail JSON. */
    public record Entry(String detailType, String detail) {
    }

    /** @param lastStartMillis no call starts after this moment; entries not accepted by then stay unaccepted */
    public CompletableFuture<boolean[]> publish(List<Entry> entries, long lastStartMillis) {
        boolean[] accepted = new boolean[entries.size()];
        if (clock.millis() > lastStartMillis) {
            return CompletableFuture.completedFuture(accepted);
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += ENTRIES_PER_CALL) {
            int[] indices = IntStream.range(from, Math.min(from + ENTRIES_PER_CALL, entries.size())).toArray();
            calls.add(send(entries, indices, accepted, 1, lastStartMillis));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> accepted);
    }

    private CompletableFuture<Void> send(List<Entry> entries, int[] indices, boolean[] accepted, int attempt, long lastStartMillis) {
        List<PutEventsRequestEntry> request = Arrays.stream(indices).mapToObj(i -> PutEventsRequestEntry.builder()
                .eventBusName(bus).source(DetailType.RESULT_SOURCE)
                .detailType(entries.get(i).detailType()).detail(entries.get(i).detail()).build()).toList();
        // a retry starts on a timer's thread: it carries on the caller's span, so that its call is traced below it too
        Context context = Context.current();
        return events.putEvents(b -> b.entries(request))
                .handle((response, error) -> {
                    List<Integer> failed = new ArrayList<>();
                    if (error != null) {
                        Arrays.stream(indices).forEach(failed::add);
                    } else {
                        List<PutEventsResultEntry> results = response.entries();
                        for (int k = 0; k < indices.length; k++) {
                            boolean ok = k < results.size() && results.get(k).errorCode() == null;
                            accepted[indices[k]] = ok;
                            if (!ok) {
                                failed.add(indices[k]);
                            }
                        }
                    }
                    return failed.stream().mapToInt(Integer::intValue).toArray();
                })
                .thenCompose(failed -> {
                    long delay = backoff.computeDelay(attempt).toMillis();
                    if (failed.length == 0 || attempt >= attempts || clock.millis() + delay > lastStartMillis) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                            .thenCompose(context.wrapFunction(v -> send(entries, failed, accepted, attempt + 1, lastStartMillis)));
                });
    }
}
