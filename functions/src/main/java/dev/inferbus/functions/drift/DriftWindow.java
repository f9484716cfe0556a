package dev.inferbus.functions.drift;

import dev.inferbus.events.drift.Bins;
import dev.inferbus.events.drift.DriftReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One model version's recent requests in one container, binned as its {@link DriftReference} bins them: the last
 * {@value #CAPACITY} observations, and their PSI against the reference once there are {@value #MIN_RECORDS}.
 *
 * <p>Why a window per container, and not PSI per invocation or bin counts summed by CloudWatch: fraud-scorer gets
 * one request per invocation and a sensor batch holds a few dozen, and PSI over a handful of records is noise (its
 * expected value with no shift at all is about (bins − 1)/n: 0.9 for ten bins and ten records). Summing per-bin
 * counts in CloudWatch metric math would pool every container exactly, but an alarm's math may reference at most
 * 10 metrics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html), and fraud-scorer
 * alone has 8 features of up to 10 bins. So each container keeps its own window: with at least 500 records the
 * no-shift PSI is about 0.02 (ten bins), far under the 0.2 alarm, while a real shift shows in every container
 * that serves it. The window counts records, not time: a quiet model's PSI speaks for older traffic, and a shift
 * takes about {@value #MIN_RECORDS} of a container's requests to dominate its window.
 */
public final class DriftWindow {

    public static final int CAPACITY = 1_000;
    public static final int MIN_RECORDS = 500;

    /** PSI of the window: per input column, in the reference's order, and of the score (null without one). */
    public record Psi(Map<String, Double> inputs, Double score) {

        public Psi {
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }

        public double max() {
            return inputs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    private final List<String> columns;
    private final List<Bins> bins;
    private final boolean scored;
    /** The bin of each column (the score last) for each slot of the ring. */
    private final int[][] ring;
    private final long[][] counts;
    private int next;
    private int size;

    public DriftWindow(DriftReference reference) {
        this.columns = List.copyOf(reference.inputs().keySet());
        List<Bins> all = new ArrayList<>(reference.inputs().values());
        this.scored = reference.score() != null;
        if (scored) {
            all.add(reference.score());
        }
        this.bins = List.copyOf(all);
        this.ring = new int[CAPACITY][bins.size()];
        this.counts = new long[bins.size()][];
        for (int c = 0; c < bins.size(); c++) {
            counts[c] = new long[bins.get(c).count()];
        }
    }

    /** Adds a request, evicting the oldest when full; one that lacks a column of the reference is not counted. */
    public synchronized void add(Observation observation) {
        int[] binned = new int[bins.size()];
        for (int c = 0; c < columns.size(); c++) {
            Double value = observation.columns().get(columns.get(c));
            if (value == null) {
                return;
            }
            binned[c] = bins.get(c).binOf(value);
        }
        if (scored) {
            if (observation.score() == null) {
                return;
            }
            binned[columns.size()] = bins.getLast().binOf(observation.score());
        }
        if (size == CAPACITY) {
            for (int c = 0; c < binned.length; c++) {
                counts[c][ring[next][c]]--;
            }
        } else {
            size++;
        }
        for (int c = 0; c < binned.length; c++) {
            counts[c][binned[c]]++;
        }
        ring[next] = binned;
        next = (next + 1) % CAPACITY;
    }

    /** The window's PSI, once it holds {@value #MIN_RECORDS} requests. */
    public synchronized Optional<Psi> psi() {
        if (size < MIN_RECORDS) {
            return Optional.empty();
        }
        Map<String, Double> inputs = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            inputs.put(columns.get(c), bins.get(c).psi(counts[c]));
        }
        return Optional.of(new Psi(inputs, scored ? bins.getLast().psi(counts[columns.size()]) : null));
    }
}
