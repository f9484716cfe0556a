package dev.inferbus.local.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.compare.Agreement;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.ResultsTable;
import dev.inferbus.events.results.ShadowResult;
import dev.inferbus.events.results.Status;
import dev.inferbus.events.results.StoredResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report from rows built in memory, as a scan of the results table returns them. */
class ComparisonReportTest {

    private static final ModelSpec FRAUD = CatalogLoader.loadClasspath().find("fraud-scorer").orElseThrow();
    private static final String REPLAY = "rescore.fraud-scorer.2.20240501T100000Z";

    private static StoredResult row(String key, Status status, String model, String version, String output, String replayName) {
        return new StoredResult.Final(new ResultRow(key, status, model, version, "cpu", "fp", output, null, null, null,
                0, 1, null, null, "e", "d", "{}", replayName), replayName != null);
    }

    private static StoredResult original(String requestId, String version, String label, double score) {
        return row(requestId, Status.COMPLETED, "fraud-scorer", version, output(label, score), null);
    }

    private static StoredResult replayed(String requestId, String label, double score) {
        return row(ResultsTable.replayKey(requestId, "2"), Status.COMPLETED, "fraud-scorer", "2", output(label, score), REPLAY);
    }

    private static String output(String label, double score) {
        return "{\"label\":\"" + label + "\",\"score\":" + score + "}";
    }

    @Test
    void theSplitCountsOriginalRowsPerVersionNotReplays() {
        List<StoredResult> rows = List.of(
                original("r1", "1", "legit", 0.1), original("r2", "1", "legit", 0.2), original("r3", "2", "fraud", 0.9),
                row("r4", Status.FAILED, "fraud-scorer", "1", null, null),
                row("invalid:e9", Status.FAILED, "fraud-scorer", null, null, null),
                replayed("r1", "legit", 0.1),
                row("other", Status.COMPLETED, "sensor-anomaly", "1", "{\"score\":0.1,\"anomalous\":false}", null));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, null);

        // a broken event's FAILED row has no version: counted apart, not dropped (the demo's table holds one)
        assertThat(report.split()).containsExactly(new ComparisonReport.VersionCount("-", 1, 0, 1),
                new ComparisonReport.VersionCount("1", 3, 2, 1), new ComparisonReport.VersionCount("2", 1, 1, 0));
    }

    @Test
    void aReplaysPairsJoinTheOriginalsOnRequestIdPerOriginalVersion() {
        List<StoredResult> rows = List.of(
                original("r1", "1", "legit", 0.10), replayed("r1", "legit", 0.30),
                original("r2", "1", "legit", 0.20), replayed("r2", "fraud", 0.80),
                original("r3", "2", "fraud", 0.90), replayed("r3", "fraud", 0.90));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, null);

        assertThat(report.replays()).hasSize(2);
        ComparisonReport.ReplayComparison against1 = report.replays().get(0);
        assertThat(against1.replayName()).isEqualTo(REPLAY);
        assertThat(against1.version()).isEqualTo("2");
        assertThat(against1.originalVersion()).isEqualTo("1");
        // |0.3-0.1| = 0.2, |0.8-0.2| = 0.6: mean 0.4, nearest-rank p50 of two = the 1st = 0.2, p95 = 0.6
        assertThat(against1.distribution().n()).isEqualTo(2);
        assertThat(against1.distribution().mean()).isCloseTo(0.4, within(1e-12));
        assertThat(against1.distribution().p50()).isCloseTo(0.2, within(1e-12));
        assertThat(against1.distribution().p95()).isCloseTo(0.6, within(1e-12));
        assertThat(against1.distribution().disagreements()).isEqualTo(1);
        ComparisonReport.ReplayComparison against2 = report.replays().get(1);
        assertThat(against2.originalVersion()).isEqualTo("2");
        assertThat(against2.distribution().n()).isEqualTo(1);
        assertThat(against2.distribution().mean()).isZero();
    }

    @Test
    void aPairWithAFailedSideOrNoInlineOutputIsNotCounted() {
        List<StoredResult> rows = List.of(
                original("r1", "1", "legit", 0.10), replayed("r1", "legit", 0.10),
                row("r2", Status.FAILED, "fraud-scorer", "1", null, null), replayed("r2", "fraud", 0.9),
                original("r3", "1", "legit", 0.10),
                row(ResultsTable.replayKey("r3", "2"), Status.FAILED, "fraud-scorer", "2", null, REPLAY),
                replayed("no-original", "fraud", 0.9));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, null);

        assertThat(report.replays()).singleElement().satisfies(c -> {
            assertThat(c.distribution().n()).isEqualTo(1);
            assertThat(c.distribution().disagreements()).isZero();
        });
    }

    @Test
    void aVersionFilterKeepsOnlyTheReplaysWithThatVersionAndTheTablePrintsAligned() {
        List<StoredResult> rows = List.of(original("r1", "1", "legit", 0.10), replayed("r1", "legit", 0.35),
                row(ResultsTable.replayKey("r1", "1"), Status.COMPLETED, "fraud-scorer", "1", output("legit", 0.1), "rescore.fraud-scorer.1.x"));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, "2");

        assertThat(report.replays()).singleElement().extracting(ComparisonReport.ReplayComparison::version).isEqualTo("2");
        List<String> lines = report.lines();
        assertThat(String.join("\n", lines)).contains("|Δscore|").contains(REPLAY).contains("0.2500");
        List<String> table = lines.subList(lines.indexOf(lines.stream().filter(l -> l.startsWith("replay ")).findFirst().orElseThrow()), lines.size());
        assertThat(table).hasSize(2);
        assertThat(table.get(0).indexOf(" n ")).isPositive();
        assertThat(table.get(0).length()).isEqualTo(table.get(1).length());
    }

    @Test
    void aReplayWithoutAnyPairShowsWithNoPairs() {
        List<StoredResult> rows = List.of(replayed("gone", "fraud", 0.9));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, null);

        assertThat(report.replays()).containsExactly(new ComparisonReport.ReplayComparison(REPLAY, "2", "-",
                dev.inferbus.events.compare.Distribution.of(List.of())));
        assertThat(String.join("\n", report.lines())).contains("no original requests of fraud-scorer").doesNotContain("no results");
    }

    @Test
    void noRowsSaysSo() {
        assertThat(ComparisonReport.of(FRAUD, List.of(), null).lines()).containsExactly("no results for fraud-scorer");
    }

    private static StoredResult shadowed(String requestId, ShadowResult shadow) {
        return new StoredResult.Final(new ResultRow(requestId, Status.COMPLETED, "fraud-scorer", "1", "cpu", "fp",
                output("legit", 0.1), null, null, null, 0, 1, null, null, "e", "d", "{}", null, shadow, false), true);
    }

    @Test
    void theShadowPairsAreSummedFromTheAgreementStoredOnEachLiveRow() {
        List<StoredResult> rows = List.of(
                shadowed("s1", ShadowResult.scored("3", null, new Agreement(0.1, false))),
                shadowed("s2", ShadowResult.scored("3", output("fraud", 0.6), new Agreement(0.5, true))),
                shadowed("s3", ShadowResult.failed("3", ErrorCode.MODEL_ERROR, "boom")),
                original("s4", "1", "legit", 0.2));

        ComparisonReport report = ComparisonReport.of(FRAUD, rows, null);

        assertThat(report.shadows()).hasSize(1);
        ComparisonReport.ShadowComparison pair = report.shadows().getFirst();
        assertThat(pair.liveVersion()).isEqualTo("1");
        assertThat(pair.shadowVersion()).isEqualTo("3");
        assertThat(pair.distribution().n()).isEqualTo(2);
        assertThat(pair.distribution().mean()).isCloseTo(0.3, within(1e-12));
        assertThat(pair.distribution().disagreements()).isEqualTo(1);
        assertThat(pair.failed()).isEqualTo(1);
        assertThat(report.lines()).contains("shadow versions vs the live version on the same requests; measure |Δscore| (disagree: another label):");
        assertThat(report.lines()).anySatisfy(line -> assertThat(line).matches("1\\s+3\\s+2\\s+0\\.3000\\s+0\\.1000\\s+0\\.1000\\s+0\\.5000\\s+1\\s+1"));
        assertThat(ComparisonReport.of(FRAUD, rows, "2").shadows()).as("--version names the shadow").isEmpty();
    }
}
