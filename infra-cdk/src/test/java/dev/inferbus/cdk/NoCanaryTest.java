package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoCanaryTest {

    /** With fraud-scorer's canary at 0 % no rollout is split: nothing to compare, so no canary alarm. */
    @Test
    void aCatalogWithoutASplitRolloutHasNoCanaryAlarm(@TempDir Path dir) throws Exception {
        String sample = Files.readString(Path.of("../samples/catalog.yaml"));
        String catalog = sample.replace("rollout: { traffic: { \"1\": 90, \"2\": 10 } }", "rollout: { traffic: { \"1\": 100 } }");
        assertThat(catalog).isNotEqualTo(sample);
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, catalog);

        Synthesized synth = new Synthesized(file);

        assertThat(synth.catalog.models()).noneMatch(m -> m.rollout().isSplit());
        assertThat(synth.resources("AWS::CloudWatch::Alarm").values()).isNotEmpty()
                .noneMatch(a -> a.containsKey("Metrics"));
    }
}
