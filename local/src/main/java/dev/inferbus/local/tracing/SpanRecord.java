package dev.inferbus.local.tracing;

import java.util.List;
import java.util.Map;

/**
 * One finished span as the local collector keeps it: one JSON line of {@code spans.jsonl}.
 *
 * @param parentSpanId empty for a trace's root
 * @param links        the spans this one links to, as {@code traceId/spanId}
 */
public record SpanRecord(String service, String traceId, String spanId, String parentSpanId, String name, long startNanos,
                         long endNanos, Map<String, String> attributes, List<String> links) {

    public SpanRecord {
        attributes = Map.copyOf(attributes);
        links = List.copyOf(links);
    }

    public String id() {
        return traceId + "/" + spanId;
    }

    public double durationMillis() {
        return (endNanos - startNanos) / 1e6;
    }
}
