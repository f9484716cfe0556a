package dev.inferbus.functions.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one invocation's completed requests of one model version say about drift.
 *
 * @param values per-request metric values by metric name, each request one value
 * @param labels how many requests got each label; every label of the reference, zero included, so a mix is a ratio
 * @param psi    the container's window PSI, or null while its window holds too few requests (or without a reference)
 */
public record DriftBatch(String model, String version, Map<String, List<Double>> values, Map<String, Integer> labels,
                         DriftWindow.Psi psi) {

    public DriftBatch {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        values = Collections.unmodifiableMap(copy);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
