package dev.inferbus.local.tracing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One request's spans laid out in time: the spans of its trace (the function's span for it and that span's stages,
 * for every delivery) and the batch spans that link to them (a tensor batch, an endpoint call, the table writes, a
 * publish), each under the request span it links to.
 */
public record Waterfall(String requestId, List<String> traceIds, List<Row> rows) {

    /** The attribute the functions set on a request's span. */
    static final String REQUEST_ID = "inferbus.request_id";

    /** One stage: its depth in the tree, whether it served a batch, and its times relative to the first span's start. */
    public record Row(int depth, String name, String service, boolean batch, double startMs, double durationMs) {
    }

    public Waterfall {
        traceIds = List.copyOf(traceIds);
        rows = List.copyOf(rows);
    }

    /** The waterfall of {@code requestId}, or empty when no span names it. */
    public static Optional<Waterfall> of(String requestId, List<SpanRecord> spans) {
        List<SpanRecord> requests = spans.stream().filter(s -> requestId.equals(s.attributes().get(REQUEST_ID))).toList();
        if (requests.isEmpty()) {
            return Optional.empty();
        }
        Set<String> traces = requests.stream().map(SpanRecord::traceId).collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, SpanRecord> byId = new LinkedHashMap<>();
        spans.stream().filter(s -> traces.contains(s.traceId())).forEach(s -> byId.put(s.id(), s));
        Map<String, String> parentOf = new HashMap<>();
        byId.values().forEach(s -> {
            String parent = s.traceId() + "/" + s.parentSpanId();
            if (byId.containsKey(parent)) {
                parentOf.put(s.id(), parent);
            }
        });
        Set<String> batches = new HashSet<>();
        for (SpanRecord s : spans) {
            if (byId.containsKey(s.id())) {
                continue;
            }
            s.links().stream().filter(byId::containsKey).findFirst().ifPresent(linked -> {
                byId.put(s.id(), s);
                parentOf.put(s.id(), linked);
                batches.add(s.id());
            });
        }
        Map<String, List<SpanRecord>> children = new HashMap<>();
        List<SpanRecord> roots = new ArrayList<>();
        byId.values().forEach(s -> {
            String parent = parentOf.get(s.id());
            if (parent == null) {
                roots.add(s);
            } else {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(s);
            }
        });
        long origin = byId.values().stream().mapToLong(SpanRecord::startNanos).min().orElseThrow();
        List<Row> rows = new ArrayList<>();
        roots.sort(Comparator.comparingLong(SpanRecord::startNanos));
        roots.forEach(root -> walk(root, 0, origin, children, batches, rows));
        return Optional.of(new Waterfall(requestId, List.copyOf(traces), rows));
    }

    private static void walk(SpanRecord span, int depth, long origin, Map<String, List<SpanRecord>> children, Set<String> batches,
                             List<Row> rows) {
        rows.add(new Row(depth, span.name(), span.service(), batches.contains(span.id()), (span.startNanos() - origin) / 1e6,
                span.durationMillis()));
        List<SpanRecord> below = new ArrayList<>(children.getOrDefault(span.id(), List.of()));
        below.sort(Comparator.comparingLong(SpanRecord::startNanos));
        below.forEach(child -> walk(child, depth + 1, origin, children, batches, rows));
    }

    /** An aligned table, one stage a line, with a bar of {@code width} characters placing the stage in the whole. */
    public String render(int width) {
        double total = rows.stream().mapToDouble(r -> r.startMs() + r.durationMs()).max().orElse(0);
        List<String> names = rows.stream().map(r -> "  ".repeat(r.depth()) + (r.batch() ? "~ " : "") + r.name()).toList();
        int nameWidth = Math.max("stage".length(), names.stream().mapToInt(String::length).max().orElse(0));
        int serviceWidth = Math.max("function".length(), rows.stream().mapToInt(r -> r.service().length()).max().orElse(0));
        StringBuilder out = new StringBuilder();
        out.append("request ").append(requestId).append("  trace ").append(String.join(", ", traceIds)).append('\n');
        String format = "%-" + nameWidth + "s  %-" + serviceWidth + "s  %10s  %10s  %s%n";
        out.append(String.format(format, "stage", "function", "start ms", "ms", ""));
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            out.append(String.format(format, names.get(i), row.service(), String.format("%.1f", row.startMs()),
                    String.format("%.1f", row.durationMs()), bar(row, total, width)));
        }
        out.append("~ a stage that served a batch of records (a span link to this request's span)\n");
        return out.toString();
    }

    private static String bar(Row row, double total, int width) {
        if (total <= 0) {
            return "|" + "#".repeat(width) + "|";
        }
        int from = (int) Math.floor(row.startMs() / total * width);
        int length = Math.max(1, (int) Math.round(row.durationMs() / total * width));
        from = Math.min(from, width - 1);
        length = Math.min(length, width - from);
        return "|" + " ".repeat(from) + "#".repeat(length) + " ".repeat(width - from - length) + "|";
    }
}
