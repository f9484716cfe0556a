package dev.inferbus.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The Lambda deployment zip, as {@code mvn package} builds it: Lambda's layout, one architecture's natives, small. */
class DeploymentZipIT {

    private static final long DIRECT_UPLOAD_LIMIT = 50L * 1024 * 1024;

    @Test
    void holdsLibJarsWithOnlyTheTargetArchitecturesNativesUnderTheDirectUploadLimit() throws IOException {
        Path zip = Path.of(System.getProperty("lambda.zip"));
        String ortNative = System.getProperty("ort.native");

        assertThat(Files.size(zip)).isLessThan(DIRECT_UPLOAD_LIMIT);
        List<String> natives = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            List<String> names = file.stream().map(ZipEntry::getName).toList();
            assertThat(names).allMatch(n -> n.startsWith("lib/"));
            assertThat(names).anyMatch(n -> n.matches("lib/inferbus-functions-.*\\.jar"));
            assertThat(names).noneMatch(n -> n.matches("lib/.*\\.onnx"));
            for (ZipEntry entry : file.stream().filter(e -> e.getName().endsWith(".jar")).toList()) {
                try (InputStream in = file.getInputStream(entry); ZipInputStream jar = new ZipInputStream(in)) {
                    for (ZipEntry inner; (inner = jar.getNextEntry()) != null; ) {
                        if (inner.getName().matches(".*\\.(so|dylib|dll|jnilib)")) {
                            natives.add(entry.getName() + "!" + inner.getName());
                        }
                    }
                }
            }
        }
        assertThat(natives).anyMatch(n -> n.contains("ai/onnxruntime/native/" + ortNative + "/libonnxruntime.so"));
        assertThat(natives).noneMatch(n -> n.contains("onnxruntime/native/") && !n.contains("/" + ortNative + "/"));
        assertThat(natives).noneMatch(n -> n.contains("native/lib/osx") || n.contains("native/lib/win"));
        assertThat(natives).noneMatch(n -> n.endsWith(".dylib") || n.endsWith(".dll"));
    }
}
