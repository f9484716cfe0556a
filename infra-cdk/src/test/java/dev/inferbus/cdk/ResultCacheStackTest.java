package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inferbus.events.cache.CacheTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/** The sample catalog's result cache: one table, and only the function serving the cached model may use it, and only so. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultCacheStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Synthesized synth = Synthesized.sample();

    @Test
    void theCacheTableIsOnDemandWithTtlAndEncryptedAsTheResultsTable() {
        List<JsonNode> tables = synth.resources("AWS::DynamoDB::Table").values().stream().map(t -> (JsonNode) JSON.valueToTree(t))
                .filter(t -> t.path("KeySchema").get(0).path("AttributeName").asText().equals(CacheTable.KEY)).toList();
        assertThat(tables).hasSize(1);
        JsonNode cache = tables.get(0);
        assertThat(cache.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(cache.path("TimeToLiveSpecification")).isEqualTo(JSON.valueToTree(Map.of("AttributeName", CacheTable.TTL, "Enabled", true)));
        assertThat(cache.path("SSESpecification")).isEqualTo(JSON.valueToTree(Map.of("SSEEnabled", true)));
    }

    @Test
    void onlyTheCachedModelsFunctionGetsTheTableAndOnlyBatchGetAndBatchWrite() {
        String table = cacheTableId();
        List<String> withEnv = new ArrayList<>();
        synth.resources("AWS::Lambda::Function").forEach((id, f) -> {
            JsonNode env = JSON.valueToTree(f).path("Environment").path("Variables");
            if (env.has("INFERBUS_CACHE_TABLE")) {
                assertThat(env.path("INFERBUS_CACHE_TABLE").path("Ref").asText()).isEqualTo(table);
                withEnv.add(env.path("INFERBUS_MODELS").asText());
            }
        });
        // the function of the cached model (it also serves sensor-anomaly-raw, whose results are not cached)
        assertThat(withEnv).containsExactly("sentence-embedder,sensor-anomaly-raw");

        List<String> actions = new ArrayList<>();
        synth.resources("AWS::IAM::Policy").values().forEach(p -> JSON.valueToTree(p).path("PolicyDocument").path("Statement").forEach(s -> {
            if (s.path("Resource").toString().contains(table)) {
                s.path("Action").forEach(a -> actions.add(a.asText()));
                if (s.path("Action").isTextual()) {
                    actions.add(s.path("Action").asText());
                }
            }
        }));
        assertThat(actions).containsExactlyInAnyOrder("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem");
    }

    @Test
    void aCatalogWithoutACacheHasNoCacheTable(@TempDir Path dir) throws Exception {
        String sample = Files.readString(Path.of("../samples/catalog.yaml"));
        String catalog = sample.replace("    cache: { ttlSeconds: 3600 }\n", "");
        assertThat(catalog).isNotEqualTo(sample);
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, catalog);

        Synthesized plain = new Synthesized(file);

        assertThat(plain.resources("AWS::DynamoDB::Table")).hasSize(1);
        plain.template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment",
                Map.of("Variables", Match.objectLike(Map.of("INFERBUS_MODELS", "sentence-embedder,sensor-anomaly-raw",
                        "INFERBUS_CACHE_TABLE", Match.absent()))))));
    }

    private String cacheTableId() {
        return synth.resources("AWS::DynamoDB::Table").entrySet().stream()
                .filter(e -> JSON.valueToTree(e.getValue()).path("KeySchema").get(0).path("AttributeName").asText().equals(CacheTable.KEY))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }
}
