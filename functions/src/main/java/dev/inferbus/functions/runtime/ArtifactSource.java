package dev.inferbus.functions.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where model files come from: a folder, or the classpath (the samples jar locally). Each file is handed to the
 * engine as a local path, because ONNX Runtime and the tokenizer read files.
 */
public interface ArtifactSource {

    /** A local path holding the artifact at {@code relativePath} (e.g. {@code models/x/1/model.onnx}). */
    Path fetch(String relativePath) throws IOException;

    /** Whether an optional file exists, without fetching it. */
    boolean exists(String relativePath);

    static ArtifactSource folder(Path root) {
        return new ArtifactSource() {
            @Override
            public Path fetch(String relativePath) throws IOException {
                Path file = root.resolve(relativePath).normalize();
                if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
                    throw new IOException("no model file " + relativePath + " under " + root.toAbsolutePath());
                }
                return file;
            }

            @Override
            public boolean exists(String relativePath) {
                return Files.isRegularFile(root.resolve(relativePath));
            }

            @Override
            public String toString() {
                return root.toAbsolutePath().toString();
            }
        };
    }

    /** Resources of the given class loader; those inside a jar are copied once into {@code scratch}. */
    static ArtifactSource classpath(ClassLoader loader, Path scratch) {
        return new ArtifactSource() {
            @Override
            public Path fetch(String relativePath) throws IOException {
                URL url = loader.getResource(relativePath);
                if (url == null) {
                    throw new IOException("no model file " + relativePath + " on the classpath");
                }
                if ("file".equals(url.getProtocol())) {
                    try {
                        return Path.of(url.toURI());
                    } catch (URISyntaxException e) {
                        throw new IOException(e);
                    }
                }
                Path copy = scratch.resolve(relativePath);
                if (!Files.exists(copy)) {
                    Files.createDirectories(copy.getParent());
                    Path partial = Files.createTempFile(copy.getParent(), copy.getFileName().toString(), ".part");
                    try (InputStream in = url.openStream()) {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                return copy;
            }

            @Override
            public boolean exists(String relativePath) {
                return loader.getResource(relativePath) != null;
            }

            @Override
            public String toString() {
                return "classpath";
            }
        };
    }

    /**
     * {@code classpath:} (the default) or a folder path. S3 roots are served by the handlers' S3-backed source.
     */
    static ArtifactSource fromRoot(String root) {
        if (root == null || root.isBlank() || root.equals("classpath:")) {
            try {
                Path scratch = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "inferbus-models"));
                return classpath(ArtifactSource.class.getClassLoader(), scratch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder(Path.of(root));
    }
}
