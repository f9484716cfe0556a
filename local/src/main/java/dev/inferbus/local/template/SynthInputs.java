package dev.inferbus.local.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything a synth of the CDK app reads, found under the project root: the catalog, the functions zip, the models,
 * the app's compiled classes and its classpath. Their fingerprint decides whether the last synth is still good.
 */
record SynthInputs(Path root, Path catalog, Path functionsZip, Path modelsDir, Path cdkClasses, Path runtimeClasspath) {

    static SynthInputs of(Path projectRoot) {
        Path root = projectRoot.toAbsolutePath().normalize();
        return new SynthInputs(root,
                root.resolve("samples/catalog.yaml"),
                root.resolve("functions/target/inferbus-functions-lambda-x86_64.zip"),
                root.resolve("samples/target/classes/models"),
                root.resolve("infra-cdk/target/classes"),
                root.resolve("infra-cdk/target/runtime-classpath.txt"));
    }

    Path cdkAppDir() {
        return root.resolve("infra-cdk");
    }

    /** Fails with what to build when an input is missing, rather than letting the synth fail on it obscurely. */
    void requireBuilt() {
        for (Path input : List.of(catalog, functionsZip, modelsDir, cdkClasses, runtimeClasspath)) {
            if (!Files.exists(input)) {
                throw new IllegalStateException(input + " is missing: build the project first (./inferbus build)");
            }
        }
    }

    /** The app's context: absolute paths, since the app resolves relative ones against its own folder. */
    String contextJson() {
        ObjectNode context = new ObjectMapper().createObjectNode()
                .put("catalog", catalog.toString())
                .put("functionsZip", functionsZip.toString())
                .put("modelsDir", modelsDir.toString());
        return context.toString();
    }

    String classpath() throws IOException {
        return cdkClasses + java.io.File.pathSeparator + Files.readString(runtimeClasspath).strip();
    }

    /**
     * SHA-256 over the context, the catalog's and the zip's bytes, every file of the models and of the app's classes
     * (relative path and bytes, in path order) and the classpath file's text. The classpath's jars are versioned
     * Maven artifacts, so their names stand for their contents.
     */
    String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, "context", contextJson().getBytes(StandardCharsets.UTF_8));
            file(digest, "catalog", catalog);
            file(digest, "functionsZip", functionsZip);
            tree(digest, "modelsDir", modelsDir);
            tree(digest, "cdkClasses", cdkClasses);
            file(digest, "runtimeClasspath", runtimeClasspath);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint the synth's inputs under " + root, e);
        }
    }

    private static void tree(MessageDigest digest, String label, Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        update(digest, label, ("files:" + files.size()).getBytes(StandardCharsets.UTF_8));
        for (Path file : files) {
            // '/' whatever the platform, so a path names the same file everywhere.
            file(digest, dir.relativize(file).toString().replace('\\', '/'), file);
        }
    }

    private static void file(MessageDigest digest, String label, Path file) throws IOException {
        // Label and length first, so two inputs' bytes can never run into each other ambiguously.
        update(digest, label, Long.toString(Files.size(file)).getBytes(StandardCharsets.UTF_8));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static void update(MessageDigest digest, String label, byte[] bytes) {
        digest.update(label.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(bytes);
        digest.update((byte) 0);
    }
}
