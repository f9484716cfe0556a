package dev.inferbus.local.handlers;

import dev.inferbus.events.results.StoredResult;
import static dev.inferbus.local.cloud.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloud;
import dev.inferbus.local.cloud.LocalCloudExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Logs never carry payloads or outputs: events with recognisable inputs (good and bad) go through the deployed
 * functions, and every log is scanned for them — each function's log (its execution environments' stdout and
 * stderr, JSON lines at info as the template's LoggingConfig asks) and the test JVM's own (the local cloud, at info,
 * in target/test-logs.txt).
 */
@ExtendWith(LocalCloudExtension.class)
class LogsCarryNoPayloadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_TEXT = "the-secret-payload-7f3a91 about a confidential merger";
    private static final double SECRET_AMOUNT = 31415.9265;

    @Test
    void noInputOrOutputReachesTheLogs(CloudBackend backend) throws Exception {
        LocalCloud cloud = ((EmbeddedBackend) backend).cloud();
        CloudProbe.restoreDeployedFunctions(cloud);
        Map<Path, Long> before = new LinkedHashMap<>();
        for (String function : List.of("cpu-batch", "cpu-direct")) {
            Path log = logOf(cloud, function);
            before.put(log, Files.exists(log) ? Files.size(log) : 0L);
        }
        ObjectNode text = JSON.createObjectNode().put("requestId", "logscan-1").put("model", "sentence-embedder");
        text.putObject("input").put("text", SECRET_TEXT);
        ObjectNode badText = JSON.createObjectNode().put("requestId", "logscan-2").put("model", "sentence-embedder");
        badText.putObject("input").put("text", SECRET_TEXT).put("extra", SECRET_TEXT);
        ObjectNode fraud = JSON.createObjectNode().put("requestId", "logscan-3").put("model", "fraud-scorer");
        fraud.putObject("input").putObject("features").put("amount", SECRET_AMOUNT);
        new CloudProbe(cloud, "logscan-results").putAll(List.of(text, badText, fraud));

        for (String id : List.of("logscan-1", "logscan-2", "logscan-3")) {
            await(() -> cloud.result(id).isPresent());
        }
        // each function logs its batch line once its invocation is done: the scan waits for the lines of these
        await(() -> before.entrySet().stream().allMatch(log -> batchLine(since(log.getKey(), log.getValue())) != null));
        // the template asks for JSON logs at INFO: the line is one JSON object, its counts fields of their own
        JsonNode batch = batchLine(since(logOf(cloud, "cpu-direct"), before.get(logOf(cloud, "cpu-direct"))));
        assertThat(batch.path("level").asText()).isEqualTo("INFO");
        assertThat(batch.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(batch.path("logger").asText()).isEqualTo(InferencePipeline.class.getName());
        assertThat(batch.has("records")).isTrue();
        String output = ((StoredResult.Final) cloud.result("logscan-1").orElseThrow()).row().output();
        String firstOutputValue = JSON.readTree(output).get("embedding").get(0).asText();

        StringBuilder logs = new StringBuilder(Files.readString(Path.of("target/test-logs.txt")));
        for (String function : cloud.functionNames().keySet()) {
            Path log = logOf(cloud, function);
            if (Files.exists(log)) {
                logs.append(read(log));
            }
        }
        assertThat(logs.toString()).doesNotContain("secret-payload-7f3a91").doesNotContain("confidential merger")
                .doesNotContain(String.valueOf(SECRET_AMOUNT)).doesNotContain(firstOutputValue);
    }

    /** The first line of {@code log} that is a JSON object ending an invocation, else null. */
    private static JsonNode batchLine(String log) {
        for (String line : log.lines().toList()) {
            if (line.startsWith("{")) {
                try {
                    JsonNode json = JSON.readTree(line);
                    if (InferencePipeline.BATCH_DONE.equals(json.path("message").asText())) {
                        return json;
                    }
                } catch (IOException e) {
                    // not a JSON line (a platform line, or one cut by the read)
                }
            }
        }
        return null;
    }

    private static Path logOf(LocalCloud cloud, String function) {
        return cloud.function(function).function().logFile();
    }

    /** What the log holds past {@code offset} bytes. */
    private static String since(Path log, long offset) {
        if (!Files.exists(log)) {
            return "";
        }
        try {
            byte[] all = Files.readAllBytes(log);
            return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path log) {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
