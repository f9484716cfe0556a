package dev.inferbus.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real AWS CLI, pointed at the local PutEvents endpoint, as the README shows. */
@ExtendWith(LocalCloudExtension.class)
class AwsCliTest {

    @Test
    void awsEventsPutEventsSucceedsAgainstTheLocalEndpoint(CloudBackend cloud, @TempDir Path dir) throws Exception {
        assumeTrue(onPath("aws"), "the AWS CLI is not installed (Debian package awscli)");
        LocalCloud local = ((EmbeddedBackend) cloud).cloud();
        Path entries = dir.resolve("entries.json");
        Files.writeString(entries, """
                [{"EventBusName":"inferbus","Source":"app.cli","DetailType":"InferenceRequested",
                  "Detail":"{\\"requestId\\":\\"cli-1\\",\\"model\\":\\"gpt-7\\",\\"input\\":{\\"text\\":\\"hi\\"}}"}]""");
        ProcessBuilder command = new ProcessBuilder("aws", "events", "put-events", "--region", AwsClients.REGION,
                "--endpoint-url", local.endpoints().of("events").toString(), "--entries", "file://" + entries, "--output", "json")
                .redirectErrorStream(true);
        command.environment().putAll(local.producerEnvironment());
        Process process = command.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // a key the local cloud never issued is refused as AWS refuses it
        command.environment().put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        Process stranger = command.start();
        assertThat(stranger.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String refused = new String(stranger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stranger.exitValue()).as(refused).isNotZero();
        assertThat(refused).contains("UnrecognizedClientException");

        assertThat(process.exitValue()).as(output).isZero();
        JsonNode response = new ObjectMapper().readTree(output);
        assertThat(response.path("FailedEntryCount").asInt()).isZero();
        assertThat(response.path("Entries").get(0).path("EventId").asText()).isNotBlank();
    }

    private static boolean onPath(String program) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
