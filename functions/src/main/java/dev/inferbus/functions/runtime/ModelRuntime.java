package dev.inferbus.functions.runtime;

import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Tier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cpu-tier models a function serves, every listed version of each, loaded once at init and shared by every
 * invocation: a request may pin any listed version, and a replay re-scores with one that takes no traffic.
 */
public final class ModelRuntime implements ModelLookup, AutoCloseable {

    private final Map<String, TaskModel<?>> models;
    private final Map<String, Long> loadMillis;

    private ModelRuntime(Map<String, TaskModel<?>> models, Map<String, Long> loadMillis) {
        this.models = models;
        this.loadMillis = loadMillis;
    }

    /** Loads every version of every cpu model of {@code specs}; gpu models are served by their endpoints and skipped. */
    public static ModelRuntime load(List<ModelSpec> specs, ArtifactSource artifacts) throws IOException {
        Map<String, TaskModel<?>> models = new LinkedHashMap<>();
        Map<String, Long> loadMillis = new LinkedHashMap<>();
        List<TaskModel<?>> loaded = new ArrayList<>();
        try {
            for (ModelSpec spec : specs) {
                if (spec.tier() != Tier.CPU) {
                    continue;
                }
                for (ModelSpec version : spec.allVersions()) {
                    long start = System.nanoTime();
                    TaskModel<?> model = loadOne(version, artifacts);
                    loaded.add(model);
                    models.put(key(version), model);
                    loadMillis.put(key(version), (System.nanoTime() - start) / 1_000_000);
                }
            }
        } catch (IOException | RuntimeException e) {
            loaded.forEach(TaskModel::close);
            throw e;
        }
        return new ModelRuntime(models, loadMillis);
    }

    private static TaskModel<?> loadOne(ModelSpec spec, ArtifactSource artifacts) throws IOException {
        String folder = spec.artifactFolder();
        String prefix = folder.isEmpty() ? "" : folder + "/";
        Path onnx = artifacts.fetch(spec.artifact());
        return switch (spec.task()) {
            case TEXT_EMBEDDING -> {
                ModelSignature signature = signature(spec, artifacts, prefix);
                yield new TextEmbeddingModel(spec, signature, onnx,
                        artifacts.fetch(prefix + signature.required(signature.tokenizer(), "tokenizer")));
            }
            case TABULAR_CLASSIFICATION -> new TabularClassificationModel(spec, signature(spec, artifacts, prefix), onnx);
            case ANOMALY_DETECTION -> new AnomalyDetectionModel(spec, signature(spec, artifacts, prefix), onnx);
            // the graph declares its own tensors: no signature file
            case TENSOR -> new TensorModel(spec, onnx);
            case TEXT_GENERATION -> throw new IllegalStateException(spec.id() + ": text-generation is served by an endpoint,"
                    + " not the cpu runtime");
        };
    }

    private static ModelSignature signature(ModelSpec spec, ArtifactSource artifacts, String prefix) throws IOException {
        ModelSignature signature = ModelSignature.read(artifacts.fetch(prefix + "signature.json"));
        if (!spec.task().wireName().equals(signature.task())) {
            throw new IllegalStateException(spec.id() + ": the catalog says task " + spec.task().wireName()
                    + " but its signature.json says " + signature.task());
        }
        return signature;
    }

    @Override
    public Optional<TaskModel<?>> model(ModelSpec spec) {
        return Optional.ofNullable(models.get(key(spec)));
    }

    private static String key(ModelSpec spec) {
        return spec.id() + "@" + spec.version();
    }

    @Override
    public Collection<TaskModel<?>> models() {
        return models.values();
    }

    /** Milliseconds each model version took to load, by {@code id@version}. */
    public Map<String, Long> loadMillis() {
        return Map.copyOf(loadMillis);
    }

    @Override
    public void close() {
        models.values().forEach(TaskModel::close);
    }
}
