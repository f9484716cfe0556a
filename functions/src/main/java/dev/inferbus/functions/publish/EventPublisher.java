package dev.inferbus.functions.publish;

import dev.inferbus.events.contract.DetailType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes result events with {@code PutEvents}, 10 entries per call, calls in parallel. Entries that fail
 * (per-entry errors or a failed call) are retried with exponential backoff; the returned flags say, per entry,
 * whether it was finally accepted, so that a record whose event is still unpublished can be redelivered.
 */
public final class EventPublisher {

    public static final int ENTRIES_PER_CALL = 10;

    private final EventBridgeAsyncClient events;
    private final String bus;
    private final int attempts;
    private final Duration firstBackoff;

    public EventPublisher(EventBridgeAsyncClient events, String bus, int attempts, Duration firstBackoff) {
        this.events = events;
        this.bus = bus;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
    }

    /** One event to publish: its detail type and detail JSON. */
    public record Entry(String detailType, String detail) {
    }

    public CompletableFuture<boolean[]> publish(List<Entry> entries) {
        boolean[] accepted = new boolean[entries.size()];
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += ENTRIES_PER_CALL) {
            int[] indices = java.util.stream.IntStream.range(from, Math.min(from + ENTRIES_PER_CALL, entries.size())).toArray();
            calls.add(send(entries, indices, accepted, 1));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> accepted);
    }

    private CompletableFuture<Void> send(List<Entry> entries, int[] indices, boolean[] accepted, int attempt) {
        List<PutEventsRequestEntry> request = Arrays.stream(indices).mapToObj(i -> PutEventsRequestEntry.builder()
                .eventBusName(bus).source(DetailType.RESULT_SOURCE)
                .detailType(entries.get(i).detailType()).detail(entries.get(i).detail()).build()).toList();
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
                    return failed;
                })
                .thenCompose(failed -> failed.isEmpty() || attempt >= attempts
                        ? CompletableFuture.<Void>completedFuture(null)
                        : retryLater(entries, failed.stream().mapToInt(Integer::intValue).toArray(), accepted, attempt));
    }

    private CompletionStage<Void> retryLater(List<Entry> entries, int[] failed, boolean[] accepted, int attempt) {
        long delay = firstBackoff.toMillis() << (attempt - 1);
        Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, later)
                .thenCompose(v -> send(entries, failed, accepted, attempt + 1));
    }
}
