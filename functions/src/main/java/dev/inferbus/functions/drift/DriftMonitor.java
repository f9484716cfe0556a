package dev.inferbus.functions.drift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.drift.DriftReference;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.TaskModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drift of the models a function runs in process: per model version, a {@link Profiler} for its task and, when
 * its model folder ships a {@value DriftReference#FILE}, a {@link DriftWindow} against it. A model without a
 * reference (sentence-embedder: no training corpus here) still reports its per-request values, with no PSI.
 */
public final class DriftMonitor {

    /** For functions that run no model in process (the gpu tier) and tests that watch nothing. */
    public static final DriftMonitor NONE = new DriftMonitor(Map.of());

    private record Tracked(Profiler profiler, DriftWindow window, List<String> labels) {
    }

    private final Map<String, Tracked> tracked;

    private DriftMonitor(Map<String, Tracked> tracked) {
        this.tracked = tracked;
    }

    /** Profiles every loaded model version and reads the reference beside each model file that has one. */
    public static DriftMonitor load(Collection<TaskModel<?>> models, ArtifactSource artifacts) throws IOException {
        Map<String, Tracked> tracked = new LinkedHashMap<>();
        for (TaskModel<?> model : models) {
            ModelSpec spec = model.spec();
            String folder = spec.artifactFolder();
            String file = (folder.isEmpty() ? "" : folder + "/") + DriftReference.FILE;
            DriftReference reference = DriftReference.appliesTo(spec.task()) && artifacts.exists(file)
                    ? DriftReference.read(artifacts.fetch(file)) : null;
            tracked.put(key(spec), new Tracked(Profiler.of(model), reference == null ? null : new DriftWindow(reference),
                    reference == null ? List.of() : List.copyOf(reference.labels().keySet())));
        }
        return new DriftMonitor(tracked);
    }

    /**
     * Adds the completed requests of one model version to its window and says what they and the window show.
     *
     * @param inputs  the requests' inputs, as scored
     * @param outputs their outputs, in the same order
     */
    public Optional<DriftBatch> observe(ModelSpec spec, List<JsonNode> inputs, List<JsonNode> outputs) {
        Tracked model = tracked.get(key(spec));
        if (model == null || inputs.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, Integer> labels = new LinkedHashMap<>();
        model.labels().forEach(label -> labels.put(label, 0));
        for (int i = 0; i < inputs.size(); i++) {
            Observation observation = model.profiler().observe(inputs.get(i), outputs.get(i));
            observation.values().forEach((name, value) -> values.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
            if (observation.label() != null) {
                labels.merge(observation.label(), 1, Integer::sum);
            }
            if (model.window() != null) {
                model.window().add(observation);
            }
        }
        DriftWindow.Psi psi = model.window() == null ? null : model.window().psi().orElse(null);
        return Optional.of(new DriftBatch(spec.id(), spec.version(), values, labels, psi));
    }

    private static String key(ModelSpec spec) {
        return spec.id() + "@" + spec.version();
    }
}
