package dev.inferbus.local.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import dev.inferbus.local.cloud.LocalFunctions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Logs never carry payloads or outputs: events with recognisable inputs (good and bad) go through the real
 * handlers, and the test JVM's whole log (slf4j, at info, in target/test-logs.txt) is scanned for them.
 */
@ExtendWith(LocalCloudExtension.class)
class LogsCarryNoPayloadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_TEXT = "the-secret-payload-7f3a91 about a confidential merger";
    private static final double SECRET_AMOUNT = 31415.9265;

    @Test
    void noInputOrOutputReachesTheLogs(CloudBackend backend) throws Exception {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();
        try (LocalFunctions functions = new LocalFunctions()) {
            functions.attachFunctions(cloud, "../samples/catalog.yaml");
            ObjectNode text = JSON.createObjectNode().put("requestId", "logscan-1").put("model", "sentence-embedder");
            text.putObject("input").put("text", SECRET_TEXT);
            ObjectNode badText = JSON.createObjectNode().put("requestId", "logscan-2").put("model", "sentence-embedder");
            badText.putObject("input").put("text", SECRET_TEXT).put("extra", SECRET_TEXT);
            ObjectNode fraud = JSON.createObjectNode().put("requestId", "logscan-3").put("model", "fraud-scorer");
            fraud.putObject("input").putObject("features").put("amount", SECRET_AMOUNT);
            cloud.clients().events().putEvents(b -> b.entries(List.of(text, badText, fraud).stream()
                    .map(d -> PutEventsRequestEntry.builder().eventBusName("inferbus").source("app.test")
                            .detailType("InferenceRequested").detail(d.toString()).build()).toList()));

            for (String id : List.of("logscan-1", "logscan-2", "logscan-3")) {
                awaitRow(cloud, id);
            }
            String output = cloud.resultRow("logscan-1").orElseThrow().get("output").s();
            String firstOutputValue = JSON.readTree(output).get("embedding").get(0).asText();

            String logs = Files.readString(Path.of("target/test-logs.txt"));
            assertThat(logs).contains("\"batch\":{\"records\":");
            assertThat(logs).doesNotContain("secret-payload-7f3a91").doesNotContain("confidential merger")
                    .doesNotContain(String.valueOf(SECRET_AMOUNT)).doesNotContain(firstOutputValue);
        }
    }

    private static void awaitRow(LocalCloud cloud, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (cloud.resultRow(key).isPresent()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no row for " + key);
    }
}
