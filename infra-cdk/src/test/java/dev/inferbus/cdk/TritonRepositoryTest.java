package dev.inferbus.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TritonRepositoryTest {

    private static final Path GRAPH = Path.of("../samples/src/main/resources/models/fraud-scorer/1/model.onnx");

    @Test
    void theArchiveHoldsTheGraphAsVersionOneOfTheNamedModelWithItsBackend(@TempDir Path dir) throws IOException {
        Path archive = TritonRepository.pack(GRAPH, "fraud", dir.resolve("a/model.tar.gz"));

        Map<String, byte[]> files = read(archive);
        assertThat(files.keySet()).containsExactly("fraud/config.pbtxt", "fraud/1/model.onnx");
        assertThat(new String(files.get("fraud/config.pbtxt"), StandardCharsets.UTF_8))
                .isEqualTo("name: \"fraud\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\n");
        assertThat(files.get("fraud/1/model.onnx")).isEqualTo(Files.readAllBytes(GRAPH));
    }

    @Test
    void theSameGraphPacksToTheSameBytesSoTheAssetKeepsItsHash(@TempDir Path dir) throws IOException {
        byte[] first = Files.readAllBytes(TritonRepository.pack(GRAPH, "fraud", dir.resolve("1/model.tar.gz")));
        byte[] second = Files.readAllBytes(TritonRepository.pack(GRAPH, "fraud", dir.resolve("2/model.tar.gz")));

        assertThat(second).isEqualTo(first);
    }

    /** The entries' names, in order. */
    static List<String> entries(Path archive) throws IOException {
        return new ArrayList<>(read(archive).keySet());
    }

    private static Map<String, byte[]> read(Path archive) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                files.put(entry.getName(), tar.readAllBytes());
            }
        }
        return files;
    }
}
