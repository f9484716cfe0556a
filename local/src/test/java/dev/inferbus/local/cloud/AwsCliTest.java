package dev.inferbus.local.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real AWS CLI, pointed at the local EventBridge endpoint, as the README shows. */
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

    /**
     * A replay through the CLI alone: the archive and the rule found with list-archives, describe-archive and
     * list-rules, then start-replay, describe-replay until COMPLETED, list-replays; the archive keeps its count.
     */
    @Test
    void awsEventsStartReplayDescribeReplayAndListReplaysWorkAgainstTheLocalCloud(CloudBackend cloud) throws Exception {
        assumeTrue(onPath("aws"), "the AWS CLI is not installed (Debian package awscli)");
        LocalCloud local = ((EmbeddedBackend) cloud).cloud();
        Instant time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
        assertThat(local.clients().events().putEvents(b -> b.entries(e -> e.eventBusName(local.busName()).source("app.cli")
                .detailType("InferenceRequested").time(time)
                .detail("{\"requestId\":\"cli-replay-1\",\"model\":\"fraud-scorer\",\"input\":{\"features\":{}}}"))).failedEntryCount())
                .isZero();
        String busArn = aws(local, "events", "describe-event-bus", "--name", local.busName()).path("Arn").asText();
        JsonNode archives = aws(local, "events", "list-archives", "--event-source-arn", busArn).path("Archives");
        assertThat(archives).hasSize(1);
        String archiveName = archives.get(0).path("ArchiveName").asText();
        JsonNode archive = aws(local, "events", "describe-archive", "--archive-name", archiveName);
        JsonNode rule = null;
        for (JsonNode candidate : aws(local, "events", "list-rules", "--event-bus-name", local.busName()).path("Rules")) {
            if (new ObjectMapper().readTree(candidate.path("EventPattern").asText()).path("detail").path("model").toString()
                    .contains("\"fraud-scorer\"")) {
                rule = candidate;
            }
        }
        assertThat(rule).as("the rule of fraud-scorer's route").isNotNull();
        String name = "cli-replay-" + time.getEpochSecond();

        JsonNode started = aws(local, "events", "start-replay", "--replay-name", name,
                "--event-source-arn", archive.path("ArchiveArn").asText(),
                "--event-start-time", time.toString(), "--event-end-time", time.plusSeconds(1).toString(),
                "--destination", new ObjectMapper().createObjectNode().put("Arn", busArn)
                        .set("FilterArns", new ObjectMapper().createArrayNode().add(rule.path("Arn").asText())).toString());
        JsonNode described = aws(local, "events", "describe-replay", "--replay-name", name);
        for (int i = 0; i < 100 && !described.path("State").asText().equals("COMPLETED"); i++) {
            Thread.sleep(100);
            described = aws(local, "events", "describe-replay", "--replay-name", name);
        }
        JsonNode listed = aws(local, "events", "list-replays", "--name-prefix", name).path("Replays");

        assertThat(started.path("ReplayArn").asText()).isEqualTo("arn:aws:events:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT + ":replay/" + name);
        assertThat(started.path("State").asText()).isEqualTo("STARTING");
        assertThat(described.path("State").asText()).as(described.toString()).isEqualTo("COMPLETED");
        assertThat(described.path("EventSourceArn").asText()).isEqualTo(archive.path("ArchiveArn").asText());
        assertThat(described.path("Destination").path("FilterArns").get(0).asText()).isEqualTo(rule.path("Arn").asText());
        assertThat(instant(described.path("EventStartTime"))).isEqualTo(time);
        assertThat(instant(described.path("EventLastReplayedTime"))).isEqualTo(time);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("ReplayName").asText()).isEqualTo(name);
        assertThat(listed.get(0).path("State").asText()).isEqualTo("COMPLETED");
        assertThat(aws(local, "events", "describe-archive", "--archive-name", archiveName).path("EventCount").asLong())
                .as("the replayed event is not archived again").isEqualTo(archive.path("EventCount").asLong());
        JsonNode duplicate = awsFailing(local, "events", "start-replay", "--replay-name", name,
                "--event-source-arn", archive.path("ArchiveArn").asText(),
                "--event-start-time", time.toString(), "--event-end-time", time.plusSeconds(1).toString(),
                "--destination", "Arn=" + busArn);
        assertThat(duplicate.path("output").asText()).contains("ResourceAlreadyExistsException");
    }

    /**
     * A timestamp as the CLI prints it: the wire's epoch seconds as they came (CLI v1's default timestamp format,
     * "none") or ISO-8601 (v2's default, "iso8601").
     */
    private static Instant instant(JsonNode printed) {
        if (printed.isNumber()) {
            return Instant.ofEpochMilli(Math.round(printed.asDouble() * 1000));
        }
        return java.time.OffsetDateTime.parse(printed.asText()).toInstant();
    }

    /** Runs {@code aws ARGS --output json} as the cloud's producer; returns the printed JSON (fails the test on a non-zero exit). */
    private static JsonNode aws(LocalCloud local, String... args) throws Exception {
        JsonNode run = run(local, args);
        assertThat(run.path("status").asInt()).as(run.path("output").asText()).isZero();
        return new ObjectMapper().readTree(run.path("output").asText());
    }

    private static JsonNode awsFailing(LocalCloud local, String... args) throws Exception {
        JsonNode run = run(local, args);
        assertThat(run.path("status").asInt()).as(run.path("output").asText()).isNotZero();
        return run;
    }

    private static JsonNode run(LocalCloud local, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--region", AwsClients.REGION, "--endpoint-url", local.endpoints().of("events").toString(),
                "--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(local.producerEnvironment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ObjectMapper().createObjectNode().put("status", process.exitValue()).put("output", output);
    }

    private static boolean onPath(String program) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
