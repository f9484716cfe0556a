package dev.inferbus.events.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A model's result cache in the catalog: what the loader reads and refuses, and that every version keeps it. */
class CacheSpecTest {

    private static final String ENTRY = "- {id: m, task: tabular-classification, tier: cpu, trigger: eventbridge, ";

    private static ModelCatalog parse(String rest) {
        return CatalogLoader.parse("bus: inferbus\nmodels:\n  " + ENTRY + rest + "}\n", "test.yaml");
    }

    @Test
    void aCacheEntryGivesTheModelItsTtlAndEveryVersionKeepsIt() {
        ModelSpec m = parse("versions: [{version: '1', artifact: m/1/a.onnx}, {version: '2', artifact: m/2/a.onnx}],"
                + " rollout: {traffic: {'1': 90, '2': 10}}, cache: {ttlSeconds: 3600}").find("m").orElseThrow();

        assertThat(m.cache()).isEqualTo(new CacheSpec(Duration.ofHours(1)));
        assertThat(m.forVersion("2").orElseThrow().cache()).isEqualTo(new CacheSpec(Duration.ofHours(1)));
        assertThat(m.allVersions()).allSatisfy(v -> assertThat(v.cache()).isNotNull());
    }

    @Test
    void aModelWithoutACacheEntryCachesNothing() {
        assertThat(parse("artifact: a.onnx").find("m").orElseThrow().cache()).isNull();
        assertThat(CatalogLoader.load(Path.of("../samples/catalog.yaml")).find("fraud-scorer").orElseThrow().cache()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero ttl        | cache: {ttlSeconds: 0}        | models[0] (m): cache.ttlSeconds must be a whole number of seconds >= 1, got 0
            negative ttl    | cache: {ttlSeconds: -5}       | models[0] (m): cache.ttlSeconds must be a whole number of seconds >= 1, got -5
            fractional ttl  | cache: {ttlSeconds: 1.5}      | models[0] (m): cache.ttlSeconds must be a whole number of seconds >= 1, got 1.5
            text ttl        | cache: {ttlSeconds: 'an hour'} | models[0] (m): cache.ttlSeconds must be a whole number of seconds >= 1, got "an hour"
            missing ttl     | cache: {}                     | models[0] (m): cache.ttlSeconds must be a whole number of seconds >= 1, got null
            unknown key     | cache: {ttl: 60}              | models[0].cache.ttl: Unrecognized field "ttl"
            """)
    void refusesABadCacheNamingFileAndEntry(String why, String cache, String expected) {
        assertThatThrownBy(() -> parse("artifact: a.onnx, " + cache)).as(why).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("test.yaml: " + expected);
    }

    @Test
    void aGpuModelIsRefusedACache() {
        assertThatThrownBy(() -> CatalogLoader.parse("""
                bus: inferbus
                models:
                  - {id: g, task: text-embedding, tier: gpu, trigger: sqs, endpoint: {name: e1, mode: realtime, format: hf-tei}, cache: {ttlSeconds: 60}}
                """, "g.yaml")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("g.yaml: models[0] (g): 'cache' is for cpu models");
    }
}
