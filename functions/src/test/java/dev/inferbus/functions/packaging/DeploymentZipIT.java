package dev.inferbus.functions.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The Lambda deployment zip, as {@code mvn package} builds it: Lambda's layout, one architecture's natives, small. */
class DeploymentZipIT {

    private static final long DIRECT_UPLOAD_LIMIT = 50L * 1024 * 1024;
    /** {@code artifact-version[-platform].jar}, as copy-dependencies and the zip step name the jars of lib/. */
    private static final Pattern JAR = Pattern.compile("lib/(.+?)-(\\d[\\w.]*(?:-SNAPSHOT)?)(?:-.+)?\\.jar");
    /** CVE-2025-48924 (uncontrolled recursion in ClassUtils.getClass) is fixed from this version on. */
    private static final ModuleDescriptor.Version FIXED_COMMONS_LANG3 = ModuleDescriptor.Version.parse("3.18.0");

    @Test
    void holdsLibJarsWithOnlyTheTargetArchitecturesNativesUnderTheDirectUploadLimit() throws IOException {
        Path zip = Path.of(System.getProperty("lambda.zip"));
        String ortNative = System.getProperty("ort.native");

        assertThat(Files.size(zip)).isLessThan(DIRECT_UPLOAD_LIMIT);
        List<String> natives = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            List<String> names = file.stream().map(ZipEntry::getName).toList();
            // Lambda's Java classpath is the task root and its lib/*.jar: the jars, and the logging config at the root
            assertThat(names).allMatch(n -> n.startsWith("lib/") || n.equals("log4j2.xml"));
            assertThat(names).contains("log4j2.xml");
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
     * Every third-party jar Lambda loads was looked at: the zip holds exactly the jars of the committed list, by
     * artifact and version, so a new jar or a moved version is a reviewed change of that list.
     */
    @Test
    void holdsExactlyTheReviewedThirdPartyJars() throws IOException {
        Path allowed = Path.of(System.getProperty("lambda.jars"));
        SortedSet<String> listed = Files.readAllLines(allowed).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toCollection(TreeSet::new));
        SortedSet<String> zipped = new TreeSet<>();
        try (ZipFile file = new ZipFile(Path.of(System.getProperty("lambda.zip")).toFile())) {
            for (ZipEntry entry : file.stream().filter(e -> e.getName().endsWith(".jar")).toList()) {
                Matcher jar = JAR.matcher(entry.getName());
                assertThat(jar.matches()).as(entry.getName() + " is named artifact-version[-platform].jar").isTrue();
                // inferbus' own jars carry the project's version
                if (!jar.group(1).startsWith("inferbus-")) {
                    zipped.add(jar.group(1) + " " + jar.group(2));
                }
            }
        }
        SortedSet<String> added = new TreeSet<>(zipped);
        added.removeAll(listed);
        SortedSet<String> gone = new TreeSet<>(listed);
        gone.removeAll(zipped);
        assertThat(zipped).withFailMessage(() -> "the zip's third-party jars differ from " + allowed + ":\n"
                + added.stream().map(j -> "  + " + j + "   (in the zip, not in the list)\n").collect(Collectors.joining())
                + gone.stream().map(j -> "  - " + j + "   (in the list, not in the zip)\n").collect(Collectors.joining())
                + "If the change is meant, review the added jars (licence, known CVEs, size) and make the list's entries:\n"
                + String.join("\n", zipped)).isEqualTo(listed);

        assertThat(zipped).as("commons-lang3 before 3.18.0 has CVE-2025-48924").anySatisfy(jar -> {
            assertThat(jar).startsWith("commons-lang3 ");
            assertThat(ModuleDescriptor.Version.parse(jar.substring("commons-lang3 ".length()))).isGreaterThanOrEqualTo(FIXED_COMMONS_LANG3);
        });
        // every client of AwsServices is built on its Netty client: Apache's would be dead weight in every cold start
        assertThat(zipped).noneMatch(jar -> jar.startsWith("apache-client ") || jar.startsWith("httpclient ") || jar.startsWith("httpcore "));
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
