package dev.inferbus.local.lambda.runtime;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The jars of AWS's Lambda runtime interface client (RIC): the system classpath of every function process, as
 * {@code /var/runtime/lib} is in Lambda's java21 runtime. The build copies them into {@code local/target/lambda-runtime}
 * (maven-dependency-plugin, generate-resources); the local cloud itself never loads them.
 *
 * @param directory the folder holding the jars
 * @param jars      every jar in it, sorted by name so the classpath is the same on every machine
 */
public record RicClasspath(Path directory, List<Path> jars) {

    /** Names the folder outright. */
    public static final String DIRECTORY_PROPERTY = "inferbus.lambda.runtime.dir";
    /** The repository root; the folder is {@value #RELATIVE} under it. */
    public static final String ROOT_PROPERTY = "inferbus.root";
    static final String RELATIVE = "local/target/lambda-runtime";
    static final String RIC_JAR_PREFIX = "aws-lambda-java-runtime-interface-client-";

    public RicClasspath {
        jars = List.copyOf(jars);
        if (jars.stream().noneMatch(jar -> jar.getFileName().toString().startsWith(RIC_JAR_PREFIX))) {
            throw new IllegalArgumentException("no " + RIC_JAR_PREFIX + "*.jar in " + directory
                    + " (run ./mvnw -o -q -pl local generate-resources)");
        }
    }

    /**
     * Finds the folder: {@value #DIRECTORY_PROPERTY} if set, else {@value #RELATIVE} under {@value #ROOT_PROPERTY},
     * else the first {@value #RELATIVE} found walking up from the working directory.
     */
    public static RicClasspath locate() {
        String explicit = System.getProperty(DIRECTORY_PROPERTY);
        if (explicit != null) {
            return of(Path.of(explicit));
        }
        String root = System.getProperty(ROOT_PROPERTY);
        if (root != null) {
            return of(Path.of(root).resolve(RELATIVE));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return of(candidate);
            }
        }
        throw new IllegalStateException("no " + RELATIVE + " above " + Path.of("").toAbsolutePath() + "; set -D"
                + DIRECTORY_PROPERTY + " or -D" + ROOT_PROPERTY + ", or run ./mvnw -o -q -pl local generate-resources");
    }

    /** Every jar in {@code directory}. */
    public static RicClasspath of(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(dir)) {
            return new RicClasspath(dir, files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the runtime interface client jars in " + dir, e);
        }
    }

    /** The {@code -classpath} value. */
    public String classpath() {
        return jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** The client's own jar, which also carries its JNI libraries under {@code jni/}. */
    public Path runtimeInterfaceClientJar() {
        return jars.stream().filter(jar -> jar.getFileName().toString().startsWith(RIC_JAR_PREFIX)).findFirst()
                .orElseThrow();
    }
}
