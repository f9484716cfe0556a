package dev.inferbus.local.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.compare.Distribution;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.ShadowResult;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the results table says about one model's versions: the traffic split it actually served (original rows,
 * which carry no replay name), and for each archive replay how its re-scoring agrees with the originals of the same
 * requests, one line per version the originals were served by (a canary's own requests re-scored by the canary's
 * version measure determinism, not a version change, so they are kept apart).
 *
 * <p>Shadow versions are compared the same way, from the agreement the function measured and stored on each live
 * row (the shadow's output may not be kept beside it): one line per (live version, shadow version).
 *
 * @param split rows per served version, in version order
 * @param shadows per live and shadow version, in that order
 * @param replays per replay, replayed version and original version, in that order
 */
public record ComparisonReport(ModelSpec model, List<VersionCount> split, List<ShadowComparison> shadows,
                               List<ReplayComparison> replays) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record VersionCount(String version, int rows, int completed, int failed) {
    }

    /**
     * @param distribution over the live rows whose shadow scored
     * @param failed live rows whose shadow failed (the live result stood)
     */
    public record ShadowComparison(String liveVersion, String shadowVersion, Distribution distribution, int failed) {
    }

    /**
     * @param originalVersion the version that served the original rows; "-" for a replay with no pair at all
     * @param distribution over the pairs where both rows COMPLETED with their output inline
     */
    public record ReplayComparison(String replayName, String version, String originalVersion, Distribution distribution) {
    }

    /**
     * @param rows a scan of the results table: every model's rows, PENDING ones included (they are left out)
     * @param version only the replays that re-scored with this version; null for all
     */
    public static ComparisonReport of(ModelSpec model, List<StoredResult> rows, String version) {
        List<ResultRow> finals = rows.stream()
                .flatMap(r -> r instanceof StoredResult.Final f ? java.util.stream.Stream.of(f.row()) : java.util.stream.Stream.empty())
                .filter(r -> model.id().equals(r.model()))
                .toList();
        Map<String, ResultRow> originals = finals.stream().filter(ResultRow::announced)
                .collect(Collectors.toMap(ResultRow::key, Function.identity()));
        return new ComparisonReport(model, split(originals.values()), shadows(originals.values(), version),
                replays(model, finals, originals, version));
    }

    private record Pair(String live, String shadow) {
        static final Comparator<Pair> ORDER = Comparator.comparing(Pair::live).thenComparing(Pair::shadow);
    }

    /** @param version only the pairs where this version is the shadow; null for all */
    private static List<ShadowComparison> shadows(java.util.Collection<ResultRow> originals, String version) {
        Map<Pair, List<ShadowResult>> pairs = new TreeMap<>(Pair.ORDER);
        for (ResultRow row : originals) {
            if (row.shadow() != null && (version == null || version.equals(row.shadow().version()))) {
                pairs.computeIfAbsent(new Pair(row.version(), row.shadow().version()), p -> new ArrayList<>()).add(row.shadow());
            }
        }
        return pairs.entrySet().stream().map(e -> new ShadowComparison(e.getKey().live(), e.getKey().shadow(),
                Distribution.of(e.getValue().stream().filter(r -> !r.isFailed()).map(ShadowResult::agreement).toList()),
                (int) e.getValue().stream().filter(ShadowResult::isFailed).count())).toList();
    }

    private static List<VersionCount> split(java.util.Collection<ResultRow> originals) {
        // a request refused before its version was chosen (a broken event) has none
        return originals.stream().collect(Collectors.groupingBy(r -> r.version() == null ? "-" : r.version(), TreeMap::new,
                        Collectors.toList()))
                .entrySet().stream()
                .map(e -> new VersionCount(e.getKey(), e.getValue().size(), count(e.getValue(), Status.COMPLETED),
                        count(e.getValue(), Status.FAILED)))
                .toList();
    }

    private static int count(List<ResultRow> rows, Status status) {
        return (int) rows.stream().filter(r -> r.status() == status).count();
    }

    private record Group(String replayName, String version, String originalVersion) {
        static final Comparator<Group> ORDER = Comparator.comparing(Group::replayName).thenComparing(Group::version)
                .thenComparing(Group::originalVersion);
    }

    private static List<ReplayComparison> replays(ModelSpec model, List<ResultRow> finals, Map<String, ResultRow> originals,
                                                  String version) {
        Map<Group, List<Agreement>> groups = new TreeMap<>(Group.ORDER);
        Map<String, String> seen = new TreeMap<>();
        for (ResultRow replayed : finals) {
            if (replayed.announced() || (version != null && !version.equals(replayed.version()))) {
                continue;
            }
            seen.put(replayed.replayName(), replayed.version());
            ResultRow original = originals.get(ResultsTable.requestIdOf(replayed.key()));
            if (comparable(original) && comparable(replayed)) {
                groups.computeIfAbsent(new Group(replayed.replayName(), replayed.version(), original.version()), g -> new ArrayList<>())
                        .add(Agreement.of(model.task(), json(original.output()), json(replayed.output())));
            }
        }
        // a replay none of whose rows pairs still shows, with n = 0, rather than vanish from the report
        seen.forEach((replay, replayVersion) -> {
            if (groups.keySet().stream().noneMatch(g -> g.replayName().equals(replay))) {
                groups.put(new Group(replay, replayVersion, "-"), List.of());
            }
        });
        return groups.entrySet().stream().map(e -> new ReplayComparison(e.getKey().replayName(), e.getKey().version(),
                e.getKey().originalVersion(), Distribution.of(e.getValue()))).toList();
    }

    /** Outputs stored in S3 ({@code outputRef}) are not fetched: the report reads the table alone. */
    private static boolean comparable(ResultRow row) {
        return row != null && row.status() == Status.COMPLETED && row.output() != null;
    }

    private static JsonNode json(String output) {
        try {
            return JSON.readTree(output);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a stored output is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The report as text: the split, then the replays as one aligned table (last, so that it can be cut out). */
    public List<String> lines() {
        if (split.isEmpty() && replays.isEmpty()) {
            return List.of("no results for " + model.id());
        }
        List<String> lines = new ArrayList<>();
        if (split.isEmpty()) {
            // the table's TTL may have expired them while the replay's rows, written later, remain
            lines.add("no original requests of " + model.id());
        } else {
            lines.add("traffic served by " + model.id() + " (original requests, replays left out):");
            List<List<String>> served = new ArrayList<>(List.of(List.of("version", "rows", "COMPLETED", "FAILED")));
            split.forEach(v -> served.add(List.of(v.version(), "" + v.rows(), "" + v.completed(), "" + v.failed())));
            lines.addAll(aligned(served));
        }
        lines.add("");
        if (!shadows.isEmpty()) {
            lines.add("shadow versions vs the live version on the same requests; measure " + measure() + ":");
            List<List<String>> table = new ArrayList<>(List.of(List.of("live", "shadow", "n", "mean", "p5", "p50", "p95", "disagree",
                    "shadow failed")));
            shadows.forEach(c -> table.add(distributionRow(List.of(c.liveVersion(), c.shadowVersion()), c.distribution(),
                    "" + c.failed())));
            lines.addAll(aligned(table));
            lines.add("");
        }
        if (replays.isEmpty()) {
            lines.add("no replays of " + model.id());
            return lines;
        }
        lines.add("replays vs the originals of the same requests; measure " + measure() + ":");
        List<List<String>> table = new ArrayList<>(List.of(List.of("replay", "version", "vs", "n", "mean", "p5", "p50", "p95", "disagree")));
        replays.forEach(r -> table.add(distributionRow(List.of(r.replayName(), r.version(), r.originalVersion()), r.distribution())));
        lines.addAll(aligned(table));
        return lines;
    }

    /** The leading cells, then n, mean, p5, p50, p95 and disagreements, then any trailing cells. */
    private static List<String> distributionRow(List<String> leading, Distribution d, String... trailing) {
        List<String> row = new ArrayList<>(leading);
        row.addAll(List.of("" + d.n(), number(d.mean()), number(d.p5()), number(d.p50()), number(d.p95()), "" + d.disagreements()));
        row.addAll(List.of(trailing));
        return row;
    }

    private String measure() {
        return switch (model.task()) {
            case TEXT_EMBEDDING -> "cosine (disagree: under " + Agreement.EMBEDDING_AGREEMENT + ")";
            case TABULAR_CLASSIFICATION -> "|Δscore| (disagree: another label)";
            case ANOMALY_DETECTION -> "|Δscore| (disagree: another anomalous flag)";
            case TENSOR -> "max |Δelement| (disagree: other output names, types or shapes)";
            case TEXT_GENERATION -> "same text 1/0 (disagree: another text)";
        };
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** The first column left-aligned, the others right-aligned, each as wide as its widest cell. */
    private static List<String> aligned(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        rows.forEach(row -> {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        });
        return rows.stream().map(row -> {
            StringBuilder line = new StringBuilder(String.format("%-" + widths[0] + "s", row.get(0)));
            for (int c = 1; c < widths.length; c++) {
                line.append(String.format("  %" + widths[c] + "s", row.get(c)));
            }
            return line.toString();
        }).toList();
    }
}
