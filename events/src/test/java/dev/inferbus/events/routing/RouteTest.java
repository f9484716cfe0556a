package dev.inferbus.events.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import dev.inferbus.events.samples.SampleEvents;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.event.ruler.Machine;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteTest {

    private final ModelCatalog catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
    private final Machine machine = new Machine();

    @BeforeAll
    void loadEveryRoutePattern() throws Exception {
        for (Route route : catalog.routes()) {
            machine.addRule(route.name(), route.eventPattern());
        }
    }

    @Test
    void groupsCpuModelsByTriggerAndGivesEachGpuModelItsOwnRoute() {
        assertThat(catalog.routes()).extracting(Route::name).containsExactly(
                "cpu-direct", "cpu-batch", "cpu-stream", "gpu-document-embedder", "gpu-archive-embedder",
                "gpu-sentence-embedder-raw", "gpu-chat-assistant", "gpu-story-writer", "reject");
        assertThat(catalog.routes()).extracting(Route::target).containsExactly(Route.Target.FUNCTION,
                Route.Target.QUEUE, Route.Target.STREAM, Route.Target.QUEUE, Route.Target.QUEUE, Route.Target.QUEUE,
                Route.Target.QUEUE, Route.Target.QUEUE, Route.Target.FUNCTION);
        assertThat(catalog.routes().get(0).modelIds()).containsExactly("fraud-scorer", "fraud-scorer-raw");
        assertThat(catalog.routes().get(1).modelIds()).containsExactly("sentence-embedder", "sensor-anomaly-raw");
    }

    @Test
    void aGpuModelsVersionsShareOneRouteWhoseConcurrencyKeepsEveryEndpointWithinItsOwn() {
        ModelCatalog versioned = CatalogLoader.parse("""
                bus: inferbus
                models:
                  - id: g
                    task: text-embedding
                    tier: gpu
                    trigger: sqs
                    versions:
                      - {version: '1', endpoint: {name: e1, mode: realtime, format: hf-tei, maxConcurrency: 3}}
                      - {version: '2', endpoint: {name: e2, mode: async, format: hf-tei, maxConcurrency: 8}}
                    rollout: {traffic: {'1': 90, '2': 10}}
                """, "g.yaml");
        Route route = versioned.routes().get(0);

        assertThat(versioned.routes()).extracting(Route::name).containsExactly("gpu-g", "reject");
        for (var version : route.models().get(0).allVersions()) {
            assertThat(version.endpoint().callsPerInvocation() * route.eventSourceConcurrency())
                    .as(version.endpoint().name()).isLessThanOrEqualTo(version.endpoint().maxConcurrency());
        }
        assertThat(Route.asyncModels(versioned)).extracting(m -> m.id()).containsExactly("g");
    }

    @Test
    void patternsAreTheEventBridgeJsonExpected() {
        Route direct = catalog.routes().get(0);
        Route reject = catalog.routes().get(catalog.routes().size() - 1);

        assertThat(direct.eventPattern())
                .isEqualTo("{\"detail-type\":[\"InferenceRequested\"],\"detail\":{\"model\":[\"fraud-scorer\",\"fraud-scorer-raw\"]}}");
        assertThat(reject.eventPattern()).isEqualTo("{\"detail-type\":[\"InferenceRequested\"],\"$or\":["
                + "{\"detail\":{\"model\":[{\"anything-but\":[\"fraud-scorer\",\"sentence-embedder\",\"sensor-anomaly\","
                + "\"document-embedder\",\"archive-embedder\",\"fraud-scorer-raw\",\"sensor-anomaly-raw\","
                + "\"sentence-embedder-raw\",\"chat-assistant\",\"story-writer\"]}]}},{\"detail\":{\"model\":[{\"exists\":false}]}}]}");
    }

    @Test
    void everySampleMatchesExactlyTheRouteOfItsModel() throws Exception {
        for (SampleEvents.Sample sample : SampleEvents.all()) {
            List<String> matched = machine.rulesForJSONEvent(sample.event().toString());
            String expected = catalog.routes().stream()
                    .filter(r -> r.modelIds().contains(sample.model()))
                    .map(Route::name).findFirst().orElse(Route.REJECT);

            assertThat(matched).as(sample.name()).containsExactly(expected);
        }
    }

    @Test
    void rejectRouteCatchesMissingNullAndNonStringModels() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String detail : List.of("{}", "{\"model\":null}", "{\"model\":42}", "{\"model\":{\"id\":\"x\"}}",
                "{\"model\":\"FRAUD-SCORER\"}", "{\"model\":\"\"}")) {
            ObjectNode event = json.createObjectNode().put("source", "t").put("detail-type", "InferenceRequested");
            event.set("detail", json.readTree(detail));

            assertThat(machine.rulesForJSONEvent(event.toString())).as(detail).containsExactly(Route.REJECT);
        }
    }

    @Test
    void resultEventsOnTheSameBusMatchNoRoute() throws Exception {
        String completed = "{\"source\":\"inferbus\",\"detail-type\":\"InferenceCompleted\",\"detail\":{\"model\":\"fraud-scorer\"}}";

        assertThat(machine.rulesForJSONEvent(completed)).isEmpty();
    }
}
