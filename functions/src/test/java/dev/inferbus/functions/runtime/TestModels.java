package dev.inferbus.functions.runtime;

import dev.inferbus.events.catalog.CatalogLoader;
import dev.inferbus.events.catalog.ModelCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The sample catalog's cpu models, loaded once per test JVM from the samples jar (as the local stack does). */
public final class TestModels {

    private static ModelCatalog catalog;
    private static ModelRuntime runtime;

    private TestModels() {
    }

    public static synchronized ModelCatalog catalog() {
        if (catalog == null) {
            catalog = CatalogLoader.load(Path.of("../samples/catalog.yaml"));
        }
        return catalog;
    }

    public static synchronized ModelRuntime runtime() {
        if (runtime == null) {
            try {
                runtime = ModelRuntime.load(catalog().models(), ArtifactSource.fromRoot("classpath:"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return runtime;
    }

    /** The catalog's live version of {@code id}. */
    public static TaskModel<?> model(String id) {
        return runtime().model(catalog().find(id).orElseThrow()).orElseThrow();
    }
}
