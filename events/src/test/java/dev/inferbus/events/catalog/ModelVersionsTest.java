package dev.inferbus.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Versions and rollouts in the catalog: what the loader refuses, and how requests are split over versions. */
class ModelVersionsTest {

    private static final String ENTRY = "- {id: m, task: tabular-classification, tier: cpu, trigger: eventbridge, ";

    private static ModelCatalog parse(String rest) {
        return CatalogLoader.parse("bus: inferbus\nmodels:\n  " + ENTRY + rest + "}\n", "test.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            weights under 100   | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 80, '2': 10}} | rollout.traffic weights must sum to 100, got 90
            weights over 100    | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 95, '2': 10}} | rollout.traffic weights must sum to 100, got 105
            unknown in traffic  | versions: [{version: '1', artifact: a.onnx}], rollout: {traffic: {'1': 90, '3': 10}} | rollout.traffic names version '3', which 'versions' does not list (versions: [1])
            unknown shadow      | versions: [{version: '1', artifact: a.onnx}], rollout: {traffic: {'1': 100}, shadow: '9'} | rollout.shadow names version '9', which 'versions' does not list (versions: [1])
            shadow in traffic   | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 90, '2': 10}, shadow: '2'} | rollout.shadow '2' is also in rollout.traffic
            negative weight     | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 100, '2': -10}} | rollout.traffic.2 must be a percent 0..100, got -10
            duplicate version   | versions: [{version: '1', artifact: a.onnx}, {version: '1', artifact: b.onnx}] | versions[1] (1): duplicate version '1'
            version no artifact | versions: [{version: '1', artifact: a.onnx}, {version: '2'}] | versions[1] (2): a cpu model needs an 'artifact'
            dotted version      | versions: [{version: '1.1', artifact: a.onnx}] | versions[0] (1.1): 'version' must match
            both forms          | artifact: a.onnx, versions: [{version: '1', artifact: a.onnx}] | with 'versions', each version names its own 'version' and 'artifact'
            no traffic          | versions: [{version: '1', artifact: a.onnx}], rollout: {shadow: '1'} | rollout.traffic must give each served version its percent
            percent no shadow   | versions: [{version: '1', artifact: a.onnx}], rollout: {traffic: {'1': 100}, shadowPercent: 10} | rollout.shadowPercent samples the shadow; without rollout.shadow there is none
            percent zero        | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 100}, shadow: '2', shadowPercent: 0} | rollout.shadowPercent must be a whole percent 1..100, got 0
            percent over 100    | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 100}, shadow: '2', shadowPercent: 101} | rollout.shadowPercent must be a whole percent 1..100, got 101
            percent fraction    | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 100}, shadow: '2', shadowPercent: 12.5} | rollout.shadowPercent must be a whole percent 1..100, got 12.5
            percent text        | versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}], rollout: {traffic: {'1': 100}, shadow: '2', shadowPercent: 'ten'} | rollout.shadowPercent must be a whole percent 1..100, got "ten"
            """)
    void refusesABadRolloutNamingFileAndEntry(String why, String rest, String expected) {
        assertThatThrownBy(() -> parse(rest)).as(why).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml: models[0] (m): " + expected);
    }

    private static final String GPU = "{id: g, task: text-embedding, tier: gpu, trigger: sqs, ";

    private static String endpoint(String name) {
        return "{name: " + name + ", mode: realtime, format: hf-tei}";
    }

    @Test
    void aGpuModelListsVersionsEachOnAnEndpointOfItsOwn() {
        ModelSpec g = CatalogLoader.parse("bus: inferbus\nmodels:\n  - " + GPU + "versions: [{version: '1', endpoint: "
                + endpoint("e1") + "}, {version: '2', endpoint: " + endpoint("e2") + "}], rollout: {traffic: {'1': 90, '2': 10}}}\n",
                "g.yaml").find("g").orElseThrow();

        assertThat(g.endpoint().name()).isEqualTo("e1");
        assertThat(g.forVersion("2").orElseThrow().endpoint().name()).isEqualTo("e2");
        assertThat(g.allVersions()).extracting(v -> v.endpoint().name()).containsExactly("e1", "e2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one endpoint, two versions | - {id: g, task: text-embedding, tier: gpu, trigger: sqs, versions: [{version: '1', endpoint: {name: e1, mode: realtime, format: hf-tei}}, {version: '2', endpoint: {name: e1, mode: realtime, format: hf-tei}}], rollout: {traffic: {'1': 90, '2': 10}}} | models[0] (g): versions[1] (2): endpoint 'e1' already serves version '1' of this model
            another model's endpoint   | - {id: g, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e1, mode: realtime, format: hf-tei}}\\n  - {id: h, task: text-embedding, tier: gpu, trigger: sqs, versions: [{version: '1', endpoint: {name: e2, mode: realtime, format: hf-tei}}, {version: '2', endpoint: {name: e1, mode: async, format: hf-tei}}], rollout: {traffic: {'1': 90, '2': 10}}} | models[1] (h): versions[1] (2): endpoint 'e1' already serves another model ('g', version '1')
            a gpu shadow               | - {id: g, task: text-embedding, tier: gpu, trigger: sqs, versions: [{version: '1', endpoint: {name: e1, mode: realtime, format: hf-tei}}, {version: '2', endpoint: {name: e2, mode: realtime, format: hf-tei}}], rollout: {traffic: {'1': 100}, shadow: '2'}} | models[0] (g): rollout.shadow is for cpu models
            """)
    void refusesAGpuVersionThatSharesAnEndpointOrShadows(String why, String models, String expected) {
        assertThatThrownBy(() -> CatalogLoader.parse("bus: inferbus\nmodels:\n  " + models.replace("\\n", "\n"), "g.yaml"))
                .as(why).isInstanceOf(CatalogException.class).hasMessageStartingWith("g.yaml: " + expected);
    }

    @Test
    void aForwardersTimeoutCoversItsSlowestVersion() {
        ModelSpec g = CatalogLoader.parse("bus: inferbus\nmodels:\n  - " + GPU + "batch: {size: 10, windowSeconds: 1},"
                + " versions: [{version: '1', endpoint: " + endpoint("e1") + "}, {version: '2', endpoint: {name: e2, mode: realtime,"
                + " format: hf-tei, maxRequestBatch: 1}}], rollout: {traffic: {'1': 90, '2': 10}}}\n", "g.yaml").find("g").orElseThrow();
        int slowest = g.forVersion("2").orElseThrow().endpoint().rounds(10);

        assertThat(slowest).isGreaterThan(g.endpoint().rounds(10));
        assertThat(g.function().timeoutSeconds())
                .isEqualTo((int) dev.inferbus.events.timing.TimeBudgets.forwarderTimeout(slowest).toSeconds());
    }

    @Test
    void theLiveVersionIsTheHeaviestAndEachVersionIsASpecOfItsOwn() {
        ModelSpec m = parse("versions: [{version: '1', artifact: m/1/a.onnx}, {version: '2', artifact: m/2/a.onnx},"
                + " {version: '3', artifact: m/3/a.onnx}], rollout: {traffic: {'1': 30, '2': 70}, shadow: '3'}").find("m").orElseThrow();

        assertThat(m.version()).isEqualTo("2");
        assertThat(m.artifact()).isEqualTo("m/2/a.onnx");
        assertThat(m.rollout().shadow()).isEqualTo("3");
        assertThat(m.forVersion("3").orElseThrow().artifactFolder()).isEqualTo("m/3");
        assertThat(m.forVersion("4")).isEmpty();
        assertThat(m.allVersions()).extracting(ModelSpec::version).containsExactly("1", "2", "3");
    }

    @Test
    void withoutVersionsAnEntryIsItsOwnSingleVersion() {
        ModelSpec m = parse("artifact: a.onnx").find("m").orElseThrow();

        assertThat(m.versionNames()).containsExactly("1");
        assertThat(m.rollout().traffic()).containsExactly(Map.entry("1", 100));
        assertThat(m.rollout().choose("anything")).isEqualTo("1");
    }

    @Test
    void weightsHoldWithinOnePercentOverTenThousandKeys() {
        Rollout rollout = new Rollout(ordered("1", 80, "2", 15, "3", 5), null);
        SplittableRandom random = new SplittableRandom(16);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(rollout.choose("card-" + random.nextLong(1_000_000_000L)), 1, Integer::sum);
        }

        assertThat(counts.get("1") / 100.0).isBetween(79.0, 81.0);
        assertThat(counts.get("2") / 100.0).isBetween(14.0, 16.0);
        assertThat(counts.get("3") / 100.0).isBetween(4.0, 6.0);
    }

    @Test
    void aShadowWithoutAPercentScoresEveryRequest() {
        ModelSpec m = parse("versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}],"
                + " rollout: {traffic: {'1': 100}, shadow: '2'}").find("m").orElseThrow();

        assertThat(m.rollout().shadowPercent()).isEqualTo(100);
        for (int i = 0; i < 2_000; i++) {
            assertThat(m.rollout().shadows("key-" + i)).isTrue();
        }
    }

    @Test
    void aShadowPercentHoldsWithinOnePercentOverTenThousandKeysAndIsStickyPerKey() {
        Rollout rollout = parse("versions: [{version: '1', artifact: a.onnx}, {version: '2', artifact: b.onnx}],"
                + " rollout: {traffic: {'1': 100}, shadow: '2', shadowPercent: 10}").find("m").orElseThrow().rollout();
        SplittableRandom random = new SplittableRandom(17);
        int shadowed = 0;
        for (int i = 0; i < 10_000; i++) {
            String key = "text-" + random.nextLong(1_000_000_000L);
            if (rollout.shadows(key)) {
                shadowed++;
                assertThat(rollout.shadows(key)).isTrue();
            }
        }

        assertThat(rollout.shadowPercent()).isEqualTo(10);
        assertThat(shadowed / 100.0).isBetween(9.0, 11.0);
    }

    @Test
    void aShadowSampleMeetsEveryTrafficVersionInItsShare() {
        Rollout rollout = new Rollout(ordered("1", 80, "2", 20), "3", 10);
        SplittableRandom random = new SplittableRandom(23);
        java.util.Map<String, Integer> shadowedByServed = new java.util.TreeMap<>();
        for (int i = 0; i < 10_000; i++) {
            String key = "card-" + random.nextLong(1_000_000_000L);
            if (rollout.shadows(key)) {
                shadowedByServed.merge(rollout.choose(key), 1, Integer::sum);
            }
        }

        // ~1,000 shadowed keys, of which the canary serves its 20 % (a sample drawn with the traffic's own buckets
        // would hold none of the canary's keys)
        int shadowed = shadowedByServed.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(shadowed).isBetween(900, 1_100);
        assertThat(shadowedByServed.getOrDefault("2", 0) * 100.0 / shadowed).isBetween(16.0, 24.0);
    }

    @Test
    void aRolloutWithoutAShadowShadowsNothing() {
        assertThat(Rollout.single("1").shadows("anything")).isFalse();
        assertThat(new Rollout(ordered("1", 90, "2", 10), null).shadows("anything")).isFalse();
    }

    @Test
    void aKeyAlwaysMeetsTheSameVersionAndAZeroWeightNone() {
        Rollout canary = new Rollout(ordered("1", 90, "2", 10), null);
        Rollout off = new Rollout(ordered("1", 100, "2", 0), null);
        for (int i = 0; i < 2_000; i++) {
            String key = "device-" + i;
            assertThat(canary.choose(key)).isEqualTo(canary.choose(key));
            assertThat(off.choose(key)).isEqualTo("1");
        }
        // the assignment is the catalog's, not this JVM's: a fixed key lands in a fixed bucket everywhere
        assertThat(Rollout.bucket("card-4242")).isEqualTo(Rollout.bucket("card-4242")).isBetween(0, Rollout.BUCKETS - 1);
    }

    @Test
    void theSampleCatalogRunsAFraudCanary() {
        ModelSpec fraud = CatalogLoader.load(Path.of("../samples/catalog.yaml")).find("fraud-scorer").orElseThrow();

        assertThat(fraud.versionNames()).containsExactly("1", "2");
        assertThat(fraud.rollout().traffic()).containsExactly(Map.entry("1", 90), Map.entry("2", 10));
        assertThat(fraud.version()).isEqualTo("1");
        assertThat(fraud.rollout().isSplit()).isTrue();
    }

    private static Map<String, Integer> ordered(String a, int wa, String b, int wb) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put(a, wa);
        m.put(b, wb);
        return m;
    }

    private static Map<String, Integer> ordered(String a, int wa, String b, int wb, String c, int wc) {
        Map<String, Integer> m = ordered(a, wa, b, wb);
        m.put(c, wc);
        return m;
    }
}
