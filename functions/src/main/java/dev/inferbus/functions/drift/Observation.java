package dev.inferbus.functions.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What drift reads from one scored request: numbers derived from its input and output, never the payload itself
 * (a tabular feature's value is binned, never written).
 *
 * @param columns the input columns a reference bins (a tabular feature, an anomaly window's reading statistics,
 *                a text's token count)
 * @param score   the output's score; null for a task without one
 * @param label   the output's label; null for a task without one
 * @param values  per-request metric values, by metric name ({@code Score}, {@code TokenLength}, ...)
 */
public record Observation(Map<String, Double> columns, Double score, String label, Map<String, Double> values) {

    public Observation {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
