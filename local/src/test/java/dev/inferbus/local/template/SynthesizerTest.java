package dev.inferbus.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synth's cache key and failure reporting, on a made-up project that needs no build. */
class SynthesizerTest {

    @TempDir
    Path root;

    @BeforeEach
    void fakeProject() throws IOException {
        write("samples/catalog.yaml", "bus: inferbus\nmodels: []\n");
        write("functions/target/inferbus-functions-lambda-x86_64.zip", "zip");
        write("samples/target/classes/models/fraud-scorer/1/model.onnx", "onnx");
        write("infra-cdk/target/classes/dev/inferbus/cdk/Nothing.class", "class");
        write("infra-cdk/target/runtime-classpath.txt", root.resolve("no-such.jar").toString());
    }

    @Test
    void theFingerprintIsStableAndFollowsEveryInput() throws IOException {
        String original = Synthesizer.fingerprint(root);
        assertThat(Synthesizer.fingerprint(root)).isEqualTo(original).hasSize(64);

        write("samples/catalog.yaml", "bus: inferbus\nmodels: [] # touched\n");
        String afterCatalog = Synthesizer.fingerprint(root);
        assertThat(afterCatalog).isNotEqualTo(original);

        write("samples/target/classes/models/fraud-scorer/1/metrics.json", "{}");
        String afterModels = Synthesizer.fingerprint(root);
        assertThat(afterModels).isNotEqualTo(afterCatalog);

        write("infra-cdk/target/classes/dev/inferbus/cdk/Nothing.class", "changed");
        String afterClasses = Synthesizer.fingerprint(root);
        assertThat(afterClasses).isNotEqualTo(afterModels);

        write("functions/target/inferbus-functions-lambda-x86_64.zip", "zip2");
        assertThat(Synthesizer.fingerprint(root)).isNotEqualTo(afterClasses);
    }

    @Test
    void aRenamedModelFileChangesTheFingerprint() throws IOException {
        String original = Synthesizer.fingerprint(root);
        Path models = root.resolve("samples/target/classes/models/fraud-scorer/1");
        Files.move(models.resolve("model.onnx"), models.resolve("model2.onnx"));
        assertThat(Synthesizer.fingerprint(root)).isNotEqualTo(original);
    }

    @Test
    void aFailedSynthThrowsWithTheLogsTailAndLeavesNoFingerprint(@TempDir Path out) {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        assertThatThrownBy(() -> Synthesizer.synthesize(root, out, new PrintStream(progress, true, StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cdk synth failed")
                .hasMessageContaining("dev.inferbus.cdk.InferbusApp");   // the JVM's "could not find or load main class"
        assertThat(out.resolve(Synthesizer.LOG_FILE)).isRegularFile();
        assertThat(out.resolve(Synthesizer.FINGERPRINT_FILE)).doesNotExist();
    }

    @Test
    void aMissingBuildOutputSaysWhatToBuild(@TempDir Path out) throws IOException {
        Files.delete(root.resolve("functions/target/inferbus-functions-lambda-x86_64.zip"));
        assertThatThrownBy(() -> Synthesizer.synthesize(root, out, System.out))
                .hasMessageContaining("inferbus-functions-lambda-x86_64.zip is missing");
    }

    @Test
    void theProjectRootIsTheConfiguredOneOrFoundAboveTheWorkingDirectory() {
        String saved = System.getProperty("inferbus.root");
        try {
            System.setProperty("inferbus.root", root.toString());
            assertThat(Synthesizer.projectRoot()).isEqualTo(root.toAbsolutePath().normalize());
            System.clearProperty("inferbus.root");
            // Surefire runs in local/, one level below the project root.
            Path found = Synthesizer.projectRoot();
            assertThat(found.resolve("infra-cdk")).isDirectory();
            assertThat(found.resolve("functions")).isDirectory();
        } finally {
            if (saved == null) {
                System.clearProperty("inferbus.root");
            } else {
                System.setProperty("inferbus.root", saved);
            }
        }
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
