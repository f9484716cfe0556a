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

    /**
     * Stripping other platforms' natives must take nothing else: DJL's tokenizers refuse to load without
     * {@code native/lib/tokenizers.properties}, which sits beside the platform folders (a pattern that took the
     * folders took it too, and the function failed its init in Lambda).
     */
    @Test
    void aRepackedJarLosesOnlyOtherPlatformsNatives() throws IOException {
        Path zip = Path.of(System.getProperty("lambda.zip"));
        try (ZipFile file = new ZipFile(zip.toFile())) {
            java.util.Map<String, String> target = java.util.Map.of("onnxruntime", System.getProperty("ort.native"),
                    "tokenizers", System.getProperty("tokenizers.native"), "jna", System.getProperty("jna.native"));
            for (String dependency : List.of("onnxruntime", "tokenizers", "jna")) {
                Path original = Path.of(System.getProperty("repacked." + dependency));
                ZipEntry repacked = file.stream().filter(e -> e.getName().matches("lib/" + dependency + "-.*\\.jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no repacked " + dependency + " jar in the zip"));
                java.util.Set<String> kept;
                try (InputStream in = file.getInputStream(repacked)) {
                    kept = entries(in);
                }
                java.util.Set<String> dropped;
                try (InputStream in = Files.newInputStream(original)) {
                    dropped = entries(in);
                }
                dropped.removeAll(kept);
                assertThat(dropped).as(dependency + ": entries the zip step dropped")
                        .isNotEmpty()
                        .allMatch(name -> platformFolder(name).filter(p -> !p.equals(target.get(dependency))).isPresent());
            }
        }
    }

    private static final java.util.regex.Pattern PLATFORM =
            java.util.regex.Pattern.compile("(?:^|/)((?:linux|osx|win|win32|darwin|freebsd|openbsd|sunos|aix|android|dragonflybsd)-[^/]+)/");

    /** The platform folder an entry lies in ({@code linux-x64}, {@code osx-aarch64}, …), if any. */
    private static java.util.Optional<String> platformFolder(String entry) {
        java.util.regex.Matcher m = PLATFORM.matcher(entry);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private static java.util.Set<String> entries(InputStream jarBytes) throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (ZipInputStream jar = new ZipInputStream(jarBytes)) {
            for (ZipEntry entry; (entry = jar.getNextEntry()) != null; ) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
