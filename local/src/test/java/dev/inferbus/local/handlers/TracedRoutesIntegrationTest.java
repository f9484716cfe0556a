package dev.inferbus.local.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.results.Status;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.Eventually;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.tracing.Waterfall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One request down each route of the sample catalog, through PutEvents to the deployed functions: the spans their
 * processes export reach the local cloud's collector and draw the request's waterfall, with the stages its route has.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracedRoutesIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A producer's sampled trace: the functions continue it, whatever Lambda's own header says. */
    private static final String TRACEPARENT = "00-%s-00f067aa0ba902b7-01";

    private LocalCloud cloud;
    private CloudProbe probe;

    @BeforeAll
    void theDeployedFunctions(CloudBackend backend) {
        cloud = ((EmbeddedBackend) backend).cloud();
        CloudProbe.restoreDeployedFunctions(cloud);
        probe = new CloudProbe(cloud, "test-results");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "fraud-scorer-legit-grocery      | 11 | rule + async invoke | inference fraud-scorer",
            "sentence-embedder-short         | 12 | queue wait          | inference sentence-embedder",
            "sensor-anomaly-normal-pump-9    | 13 | stream wait         | inference sensor-anomaly",
            "document-embedder-1             | 14 | queue wait          | endpoint call",
            // the async route: the forwarder's span, then the completion's below it, in one trace
            "archive-embedder-1              | 15 | queue wait          | async endpoint"})
    void aRequestOfEachRouteHasAWaterfallOfItsStages(String sample, String traceSuffix, String wait, String scoring) throws Exception {
        String requestId = "traced-" + sample + "-" + System.nanoTime();
        String traceId = "5759e988bd862e3fe1be46a9942727" + traceSuffix;
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(Path.of("../events/samples/valid/" + sample + ".json")));
        ObjectNode detail = ((ObjectNode) event.get("detail")).put("requestId", requestId).put("traceparent", TRACEPARENT.formatted(traceId));
        if (detail.path("input").has("text")) {
            // a text another test of this cloud sent before is the result cache's answer, which runs no inference
            ((ObjectNode) detail.get("input")).put("text", detail.path("input").path("text").asText() + " " + requestId);
        }
        probe.put(detail);
        assertThat(probe.awaitRow(requestId).status()).isEqualTo(Status.COMPLETED);

        // spans leave a function when its invocation ends, right before its result is answered
        AtomicReference<Optional<Waterfall>> waterfall = new AtomicReference<>(Optional.empty());
        Eventually.await(() -> {
            waterfall.set(Waterfall.of(requestId, cloud.spans()));
            return waterfall.get().filter(w -> w.rows().stream().anyMatch(r -> r.name().equals("publish"))).isPresent();
        });
        Waterfall drawn = waterfall.get().orElseThrow();
        assertThat(drawn.traceIds()).containsExactly(traceId);
        List<String> stages = drawn.rows().stream().map(Waterfall.Row::name).toList();
        assertThat(stages).contains("request", wait, "decode", "dynamodb write", "publish").anyMatch(s -> s.startsWith(scoring));
        assertThat(drawn.rows().getFirst().startMs()).isZero();
        System.out.print(drawn.render(40));
    }
}
