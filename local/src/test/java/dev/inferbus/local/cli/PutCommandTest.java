package dev.inferbus.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inferbus.local.cloud.CloudBackend;
import dev.inferbus.local.cloud.EmbeddedBackend;
import dev.inferbus.local.cloud.LocalCloudExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./inferbus put} against a running local cloud's PutEvents endpoint. */
@ExtendWith(LocalCloudExtension.class)
class PutCommandTest {

    @Test
    void putsSampleFilesAndReportsRefusedEntries(CloudBackend backend, @TempDir Path dir) throws Exception {
        String endpoint = ((EmbeddedBackend) backend).cloud().endpoints().of("events").toString();
        Path good = Path.of("../events/samples/valid/fraud-scorer-legit-grocery.json");
        Path bad = dir.resolve("not-a-detail.json");
        Files.writeString(bad, "[{\"source\":\"app\",\"detail-type\":\"InferenceRequested\",\"detail\":\"text\"}]");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        Path producer = dir.resolve("producer.env");
        Files.writeString(producer, ((EmbeddedBackend) backend).cloud().producerEnvironment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(java.util.stream.Collectors.joining()));
        int status = Main.run(new String[] {"put", "--endpoint", endpoint, "--env-file", producer.toString(), good.toString(), bad.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("fraud-scorer-legit-grocery.json: eventId=");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not-a-detail.json: refused: MalformedDetail");
    }
}
