package dev.inferbus.local.handlers;

import static dev.inferbus.local.cloud.Eventually.await;
import static dev.inferbus.local.cloud.Eventually.read;
import static dev.inferbus.local.handlers.CloudProbe.JSON;
import static dev.inferbus.local.handlers.CloudProbe.detail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.contract.ContractSchemas;
import dev.inferbus.events.contract.DetailType;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.results.ResultRow;
import dev.inferbus.events.results.Status;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Text generation end to end on the deployed functions: the sample catalog's chat-assistant streamed from its
 * real-time endpoint (progress events, then the completion), story-writer through its asynchronous one.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationIntegrationTest {

    private CloudProbe probe;
    private final ContractSchemas schemas = EventCodec.create().schemas();

    @BeforeAll
    void theDeployedFunctions(CloudBackend backend) {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();
        CloudProbe.restoreDeployedFunctions(cloud);
        probe = new CloudProbe(cloud, "generation-test-results");
    }

    @Test
    void aStreamedChatPublishesOrderedProgressThenItsCompletion() {
        ObjectNode input = JSON.createObjectNode();
        input.putArray("messages").addObject().put("role", "user").put("content", "What is a lawyer?");
        input.putObject("parameters").put("maxNewTokens", 100).put("temperature", 0.9).put("seed", 3);
        probe.put(detail("gen-chat-1", "chat-assistant", input));

        ResultRow row = probe.awaitRow("gen-chat-1");
        assertThat(row.status()).as(row.errorMessage()).isEqualTo(Status.COMPLETED);
        JsonNode output = read(row.output());
        String text = output.path("text").asText();
        assertThat(text).isNotBlank();
        assertThat(output.path("finishReason").asText()).isIn("length", "stop");
        assertThat(output.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(output.at("/usage/completionTokens").asInt()).isBetween(1, 100);

        await(() -> probe.eventsFor("gen-chat-1").stream().anyMatch(e -> e.path("detail-type").asText().equals(DetailType.COMPLETED)));
        List<JsonNode> progress = probe.eventsFor("gen-chat-1").stream()
                .filter(e -> e.path("detail-type").asText().equals(DetailType.PROGRESS)).map(e -> e.path("detail"))
                .sorted(Comparator.comparingLong(d -> d.path("sequence").asLong())).toList();
        assertThat(progress).isNotEmpty();
        assertThat(progress).allSatisfy(d -> assertThat(schemas.checkProgress(d)).isEmpty());
        for (int i = 0; i < progress.size(); i++) {
            assertThat(progress.get(i).path("sequence").asLong()).isEqualTo(i);
            // the text so far: each a prefix of the next, the last of the completion's
            assertThat(text).startsWith(progress.get(i).path("text").asText());
        }
    }

    @Test
    void aLongGenerationCompletesThroughTheAsynchronousEndpoint() {
        ObjectNode input = JSON.createObjectNode().put("prompt", "The lawyer and the clergyman met at the door, and");
        input.putObject("parameters").put("maxNewTokens", 300).put("seed", 11);
        probe.put(detail("gen-story-1", "story-writer", input));

        ResultRow row = probe.awaitRow("gen-story-1");
        assertThat(row.status()).as(row.errorMessage()).isEqualTo(Status.COMPLETED);
        JsonNode output = read(row.output());
        assertThat(output.path("text").asText()).isNotBlank();
        assertThat(output.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(output.at("/usage/completionTokens").asInt()).isBetween(1, 300);
    }

    @Test
    void moreNewTokensThanTheCatalogAllowsFailsNamingTheField() {
        ObjectNode input = JSON.createObjectNode().put("prompt", "Once");
        input.putObject("parameters").put("maxNewTokens", 129);
        probe.put(detail("gen-cap-1", "chat-assistant", input));

        ResultRow row = probe.awaitRow("gen-cap-1");
        assertThat(row.errorCode()).isEqualTo(ErrorCode.INPUT_TOO_LARGE);
        assertThat(row.errorMessage()).contains("/detail/input/parameters/maxNewTokens");
    }
}
