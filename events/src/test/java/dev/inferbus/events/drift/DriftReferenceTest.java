package dev.inferbus.events.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftReferenceTest {

    @Test
    void aReferenceIsWrittenBesideItsModelAndReadBackAsItWas(@TempDir Path folder) throws Exception {
        Map<String, Bins> inputs = new LinkedHashMap<>();
        inputs.put("b", new Bins(List.of(0.0), List.of(0.9, 0.1)));
        inputs.put("a", new Bins(List.of(1.0, 2.0), List.of(0.3, 0.3, 0.4)));
        Map<String, Double> labels = new LinkedHashMap<>();
        labels.put("legit", 0.98);
        labels.put("fraud", 0.02);
        DriftReference reference = new DriftReference("fraud-scorer", "1", "a test", 100, inputs,
                new Bins(List.of(0.5), List.of(0.7, 0.3)), labels);

        reference.writeTo(folder);
        DriftReference read = DriftReference.read(folder.resolve(DriftReference.FILE));

        assertThat(DriftReference.FILE).isEqualTo("reference.json");
        assertThat(read).isEqualTo(reference);
        assertThat(read.inputs().keySet()).containsExactly("b", "a");
        assertThat(Files.readString(folder.resolve(DriftReference.FILE))).isEqualTo(reference.toJson());
    }

    @Test
    void aReferenceMayHaveInputsOnly() throws Exception {
        DriftReference reference = new DriftReference("m", "1", "s", 10, Map.of("tokens", new Bins(List.of(5.0), List.of(0.5, 0.5))),
                null, Map.of());

        assertThat(DriftReference.parse(reference.toJson())).isEqualTo(reference);
    }

    @Test
    void readingStatisticsSummariseAWindow() {
        Map<String, Double> stats = ReadingStats.of(new double[] {1, -1, 3, 1});

        assertThat(stats.keySet()).containsExactlyElementsOf(ReadingStats.NAMES);
        assertThat(stats.get("mean")).isEqualTo(1.0);
        // population standard deviation: sqrt((0 + 4 + 4 + 0) / 4)
        assertThat(stats.get("std")).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(stats.get("min")).isEqualTo(-1.0);
        assertThat(stats.get("max")).isEqualTo(3.0);
    }
}
