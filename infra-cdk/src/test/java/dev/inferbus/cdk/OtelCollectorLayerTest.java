package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** The functions' spans leave Lambda only through a collector layer the deployer names: with it, every function sends them there. */
class OtelCollectorLayerTest {

    private static final String LAYER = "arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-collector-amd64-ver-0-115-0:3";

    @Test
    @SuppressWarnings("unchecked")
    void aNamedCollectorLayerIsOnEveryFunctionWithTheOtlpEndpointItListensOn() throws Exception {
        App app = App.Builder.create().context(Map.of("catalog", Path.of("../samples/catalog.yaml").toString(),
                InferenceFunctions.OTEL_COLLECTOR_LAYER, LAYER)).build();
        Map<String, Object> resources = (Map<String, Object>) Template.fromStack(InferbusApp.build(app)).toJSON().get("Resources");
        List<Map<String, Object>> ours = resources.values().stream().map(r -> (Map<String, Object>) r)
                .filter(r -> "AWS::Lambda::Function".equals(r.get("Type")))
                .map(r -> (Map<String, Object>) r.get("Properties"))
                .filter(f -> String.valueOf(f.get("Handler")).startsWith("dev.inferbus.functions.handler.")).toList();
        assertThat(ours).isNotEmpty().allSatisfy(f -> {
            assertThat(f.get("Layers")).isEqualTo(List.of(LAYER));
            assertThat(((Map<String, Object>) ((Map<String, Object>) f.get("Environment")).get("Variables")))
                    .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", InferenceFunctions.OTEL_COLLECTOR_ENDPOINT);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutOneNoFunctionHasALayerOrAnEndpoint() {
        assertThat(Synthesized.sample().resources("AWS::Lambda::Function").values())
                .filteredOn(f -> String.valueOf(f.get("Handler")).startsWith("dev.inferbus.functions.handler."))
                .isNotEmpty().allSatisfy(f -> {
                    assertThat(f).doesNotContainKey("Layers");
                    assertThat(((Map<String, Object>) ((Map<String, Object>) f.get("Environment")).get("Variables")))
                            .doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
                });
    }
}
