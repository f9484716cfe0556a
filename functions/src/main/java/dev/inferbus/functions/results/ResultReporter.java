package dev.inferbus.functions.results;

import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultStore;
import dev.inferbus.events.timing.TimeBudgets;
import dev.inferbus.functions.publish.EventPublisher;
import dev.inferbus.functions.tracing.InvocationTrace;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
        /** Written before, by an earlier delivery of the same request; anything it owed the bus is out. */
        DUPLICATE,
        /** Another request holds the requestId: this row was not written, the stored one is untouched. */
        CONFLICT,
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
        return report(rows, Collections.nCopies(rows.size(), null));
    }

    /**
     * An event owed to the bus, by the row at {@code index}, whose publish lease {@code leaseOwner} holds from
     * {@code leaseFrom}.
     */
    private record Owed(int index, String leaseOwner, long leaseFrom, EventPublisher.Entry entry) {
    }

    /**
     * One fate per row, in order.
     *
     * @param orderKeys per row, a key whose rows are written one after another in list order, none after one that
     *                  failed (a stream's partition key); null for a row that may be written in parallel with all
     */
    public List<Fate> report(List<ResultRow> rows, List<String> orderKeys) {
        Fate[] fates = new Fate[rows.size()];
        Span writing = InvocationTrace.current().batch("dynamodb write", rows.stream().map(ResultRow::key).toList());
        List<Owed> owed = Collections.synchronizedList(new ArrayList<>());
        // current while the table is called, so that each SDK call's span is a child of this batch span
        try (Scope calling = writing.makeCurrent()) {
            long now = clock.millis();
            String[] owners = new String[rows.size()];
            Map<Integer, CompletableFuture<ResultStore.Write>> writes = new LinkedHashMap<>();
            Map<String, CompletableFuture<ResultStore.Write>> lastOfKey = new HashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                ResultRow row = rows.get(i);
                String owner = UUID.randomUUID().toString();
                owners[i] = owner;
                String key = orderKeys.get(i);
                CompletableFuture<ResultStore.Write> previous = key == null ? null : lastOfKey.get(key);
                CompletableFuture<ResultStore.Write> write = previous == null ? store.put(row, now, owner)
                        // on the thread that finished the previous write, where the write span is not current
                        : previous.handle(Context.current().wrapFunction((ResultStore.Write written, Throwable error) -> error == null
                                ? store.put(row, now, owner) : CompletableFuture.<ResultStore.Write>failedFuture(new HeldBack())))
                                .thenCompose(next -> next);
                if (key != null) {
                    lastOfKey.put(key, write);
                }
                writes.put(i, write);
            }
            CompletableFuture.allOf(writes.values().toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            List<CompletableFuture<Void>> followUps = new ArrayList<>();
            for (var e : writes.entrySet()) {
                int i = e.getKey();
                ResultRow row = rows.get(i);
                if (e.getValue().isCompletedExceptionally()) {
                    fates[i] = Fate.RETRY;
                    if (!(ResultStore.unwrap(e.getValue().handle((w, error) -> error).join()) instanceof HeldBack)) {
                        // the write may have landed with its lease before the error: release it, or the retry waits it out
                        followUps.add(store.releaseLease(row.key(), owners[i]).exceptionally(error -> null));
                    }
                    continue;
                }
                switch (e.getValue().join()) {
                    case WRITTEN -> {
                        fates[i] = Fate.WRITTEN;
                        if (row.announced()) {
                            owed.add(new Owed(i, owners[i], now, new EventPublisher.Entry(row.detailType(), row.eventDetail())));
                        }
                    }
                    case CONFLICT -> fates[i] = Fate.CONFLICT;
                    case DUPLICATE -> {
                        fates[i] = Fate.DUPLICATE;
                        followUps.add(store.owed(row.key(), now, owners[i]).handle((owedEvent, error) -> {
                            switch (error != null ? new ResultStore.Owed.Busy() : owedEvent) {
                                // a transient failure, or another delivery still publishing: this record comes back later
                                case ResultStore.Owed.Busy busy -> fates[i] = Fate.RETRY;
                                case ResultStore.Owed.Nothing nothing -> {
                                }
                                case ResultStore.Owed.Publish publish -> owed.add(new Owed(i, owners[i], now,
                                        new EventPublisher.Entry(publish.detailType(), publish.eventDetail())));
                            }
                            return null;
                        }));
                    }
                }
            }
            CompletableFuture.allOf(followUps.toArray(CompletableFuture[]::new)).join();
        }
        writing.end();
        if (!owed.isEmpty()) {
            publish(rows.stream().map(ResultRow::key).toList(), List.copyOf(owed), fates);
        }
        return Arrays.asList(fates);
    }

    /**
     * For a row written before (a duplicate delivery of what ended it): publishes its event if it is still owed
     * and no other delivery is publishing it.
     */
    public Fate settle(String key) {
        String owner = UUID.randomUUID().toString();
        long now = clock.millis();
        ResultStore.Owed owed;
        try {
            owed = store.owed(key, now, owner).join();
        } catch (RuntimeException e) {
            return Fate.RETRY;
        }
        return switch (owed) {
            case ResultStore.Owed.Nothing nothing -> Fate.DUPLICATE;
            case ResultStore.Owed.Busy busy -> Fate.RETRY;
            case ResultStore.Owed.Publish publish -> {
                Fate[] fates = {Fate.DUPLICATE};
                publish(List.of(key), List.of(new Owed(0, owner, now, new EventPublisher.Entry(publish.detailType(),
                        publish.eventDetail()))), fates);
                yield fates[0];
            }
        };
    }

    /**
     * Publishes events that belong to no row: answers to requests refused without touching the table (a requestId
     * conflict). At least once, like every event here; per entry, whether it was accepted.
     */
    public boolean[] announce(List<EventPublisher.Entry> entries) {
        return entries.isEmpty() ? new boolean[0] : publisher.publish(entries, lastStart(clock.millis())).join();
    }

    /** The last moment a PutEvents call may start under a lease taken at {@code leaseFrom}: one whole call must fit. */
    private static long lastStart(long leaseFrom) {
        return leaseFrom + TimeBudgets.PUBLISH_LEASE.toMillis() - TimeBudgets.PUBLISH_MARGIN.toMillis();
    }

    private void publish(List<String> keys, List<Owed> owed, Fate[] fates) {
        Span publishing = InvocationTrace.current().batch("publish", owed.stream().map(o -> keys.get(o.index())).toList());
        try (Scope calling = publishing.makeCurrent()) {
            long leaseFrom = owed.stream().mapToLong(Owed::leaseFrom).min().orElseThrow();
            boolean[] accepted = publisher.publish(owed.stream().map(Owed::entry).toList(), lastStart(leaseFrom)).join();
            List<CompletableFuture<Void>> marks = new ArrayList<>();
            for (int k = 0; k < owed.size(); k++) {
                int i = owed.get(k).index();
                String key = keys.get(i);
                if (!accepted[k]) {
                    fates[i] = Fate.RETRY;
                    // without the lease released, the redelivery would wait out the lease before publishing
                    marks.add(store.releaseLease(key, owed.get(k).leaseOwner()).exceptionally(error -> null));
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
        publishing.end();
    }
}
