package dev.inferbus.functions.results;

import dev.inferbus.functions.publish.EventPublisher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes final rows and announces them, the same way for every path that ends a request (a batch of the
 * pipeline, an asynchronous endpoint's completion): rows in parallel and conditionally, the events of new rows
 * published, and for a row already there, whatever event it still owes — under its publish lease, so that two
 * deliveries never both publish.
 */
public final class ResultReporter {

    private static final Logger LOG = LoggerFactory.getLogger(ResultReporter.class);

    /** What became of one row. */
    public enum Fate {
        /** Written by this call (its event is out). */
        WRITTEN,
        /** Written before, by an earlier delivery; anything it owed the bus is out. */
        DUPLICATE,
        /** A transient failure: the record must come back. */
        RETRY
    }

    private final ResultStore store;
    private final EventPublisher publisher;
    private final Clock clock;

    public ResultReporter(ResultStore store, EventPublisher publisher, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Thrown for a row not written because an earlier row of its key was not: it holds no lease to release. */
    private static final class HeldBack extends RuntimeException {
        HeldBack() {
            super("an earlier row of the same key was not written", null, false, false);
        }
    }

    /** One fate per row, in order; the rows are written in parallel. */
    public List<Fate> report(List<ResultRow> rows) {
        return report(rows, java.util.Collections.nCopies(rows.size(), null));
    }

    /**
     * One fate per row, in order.
     *
     * @param orderKeys per row, a key whose rows are written one after another in list order, none after one that
     *                  failed (a stream's partition key); null for a row that may be written in parallel with all
     */
    public List<Fate> report(List<ResultRow> rows, List<String> orderKeys) {
        Fate[] fates = new Fate[rows.size()];
        long now = clock.millis();
        Map<Integer, CompletableFuture<ResultStore.Write>> writes = new LinkedHashMap<>();
        Map<String, CompletableFuture<ResultStore.Write>> lastOfKey = new java.util.HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            ResultRow row = rows.get(i);
            String key = orderKeys.get(i);
            CompletableFuture<ResultStore.Write> previous = key == null ? null : lastOfKey.get(key);
            CompletableFuture<ResultStore.Write> write = previous == null ? store.put(row, now)
                    : previous.handle((written, error) -> error == null ? store.put(row, now)
                            : CompletableFuture.<ResultStore.Write>failedFuture(new HeldBack())).thenCompose(next -> next);
            if (key != null) {
                lastOfKey.put(key, write);
            }
            writes.put(i, write);
        }
        CompletableFuture.allOf(writes.values().toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        List<Integer> owed = new ArrayList<>();
        List<EventPublisher.Entry> entries = new ArrayList<>();
        List<CompletableFuture<Void>> duplicateChecks = new ArrayList<>();
        for (var e : writes.entrySet()) {
            int i = e.getKey();
            ResultRow row = rows.get(i);
            if (e.getValue().isCompletedExceptionally()) {
                fates[i] = Fate.RETRY;
                if (!(ResultStore.unwrap(e.getValue().handle((w, error) -> error).join()) instanceof HeldBack)) {
                    // the write may have landed with its lease before the error: release it, or the retry waits it out
                    duplicateChecks.add(store.releaseLease(row.key()).exceptionally(error -> null));
                }
            } else if (e.getValue().join() == ResultStore.Write.WRITTEN) {
                fates[i] = Fate.WRITTEN;
                owed.add(i);
                entries.add(new EventPublisher.Entry(row.detailType(), row.eventDetail()));
            } else {
                fates[i] = Fate.DUPLICATE;
                duplicateChecks.add(store.owed(row.key(), now).handle((owedEvent, error) -> {
                    switch (error != null ? new ResultStore.Owed.Busy() : owedEvent) {
                        // a transient failure, or another delivery still publishing: this record comes back later
                        case ResultStore.Owed.Busy busy -> fates[i] = Fate.RETRY;
                        case ResultStore.Owed.Nothing nothing -> {
                        }
                        case ResultStore.Owed.Publish publish -> {
                            synchronized (owed) {
                                owed.add(i);
                                entries.add(new EventPublisher.Entry(publish.event().detailType(), publish.event().eventDetail()));
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        CompletableFuture.allOf(duplicateChecks.toArray(CompletableFuture[]::new)).join();
        if (!entries.isEmpty()) {
            publish(rows.stream().map(ResultRow::key).toList(), owed, entries, fates);
        }
        return Arrays.asList(fates);
    }

    /**
     * For a row written before (a duplicate delivery of what ended it): publishes its event if it is still owed
     * and no other delivery is publishing it.
     */
    public Fate settle(String key) {
        ResultStore.Owed owed;
        try {
            owed = store.owed(key, clock.millis()).join();
        } catch (RuntimeException e) {
            return Fate.RETRY;
        }
        return switch (owed) {
            case ResultStore.Owed.Nothing nothing -> Fate.DUPLICATE;
            case ResultStore.Owed.Busy busy -> Fate.RETRY;
            case ResultStore.Owed.Publish publish -> {
                Fate[] fates = {Fate.DUPLICATE};
                publish(List.of(key), List.of(0), List.of(new EventPublisher.Entry(publish.event().detailType(),
                        publish.event().eventDetail())), fates);
                yield fates[0];
            }
        };
    }

    private void publish(List<String> keys, List<Integer> owed, List<EventPublisher.Entry> entries, Fate[] fates) {
        boolean[] accepted = publisher.publish(entries).join();
        List<CompletableFuture<Void>> marks = new ArrayList<>();
        for (int k = 0; k < owed.size(); k++) {
            int i = owed.get(k);
            String key = keys.get(i);
            if (!accepted[k]) {
                fates[i] = Fate.RETRY;
                // without the lease released, the redelivery would wait out the lease before publishing
                marks.add(store.releaseLease(key).exceptionally(error -> null));
                continue;
            }
            marks.add(store.markPublished(key).exceptionally(error -> {
                // the event is out; a redelivery would publish it once more, which consumers tolerate (at least once)
                LOG.warn("could not mark {} published: {}", key, error.toString());
                return null;
            }));
        }
        CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new)).join();
    }
}
