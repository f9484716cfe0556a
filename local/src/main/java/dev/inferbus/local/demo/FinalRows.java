package dev.inferbus.local.demo;

import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.StoredResult;
import dev.inferbus.local.cloud.LocalCloud;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Waits for requests' final rows in the local cloud's results table: a request at an asynchronous endpoint stays
 * PENDING until its completion arrives, so only a final row counts.
 */
final class FinalRows {

    private static final long LOOK_EVERY_NANOS = 500_000_000L;

    private FinalRows() {
    }

    /**
     * The final rows of {@code keys} that appear within {@code timeout} (one look with a zero timeout), by key;
     * {@code progress} hears how many are in after each look.
     */
    static Map<String, ResultRow> await(LocalCloud cloud, List<String> keys, Duration timeout, IntConsumer progress) {
        Map<String, ResultRow> rows = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String key : keys) {
                if (!rows.containsKey(key)) {
                    cloud.result(key).filter(StoredResult.Final.class::isInstance).map(r -> ((StoredResult.Final) r).row())
                            .ifPresent(row -> rows.put(key, row));
                }
            }
            progress.accept(rows.size());
            if (rows.size() == keys.size() || System.nanoTime() >= deadline) {
                return rows;
            }
            LockSupport.parkNanos(LOOK_EVERY_NANOS);
        }
    }
}
