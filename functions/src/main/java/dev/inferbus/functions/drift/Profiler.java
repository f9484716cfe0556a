package dev.inferbus.functions.drift;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.drift.DriftReference;
import dev.inferbus.events.drift.ReadingStats;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.runtime.TextEmbeddingModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads an {@link Observation} from a request the model scored, the way its task shapes inputs and outputs. */
@FunctionalInterface
public interface Profiler {

    /** The metric of each anomaly reading statistic, by its {@link ReadingStats} name. */
    Map<String, String> READING_METRICS = Map.of("mean", "ReadingMean", "std", "ReadingStd", "min", "ReadingMin",
            "max", "ReadingMax");

    /** @param input and output have passed the model: the input is checked, the output the task's shape */
    Observation observe(JsonNode input, JsonNode output);

    static Profiler of(TaskModel<?> model) {
        return switch (model.spec().task()) {
            case TABULAR_CLASSIFICATION -> (input, output) -> {
                Map<String, Double> features = new LinkedHashMap<>();
                input.get("features").properties().forEach(f -> features.put(f.getKey(), f.getValue().doubleValue()));
                double score = output.get("score").doubleValue();
                return new Observation(features, score, output.get("label").asText(), Map.of("Score", score));
            };
            case ANOMALY_DETECTION -> (input, output) -> {
                JsonNode readings = input.get("readings");
                double[] window = new double[readings.size()];
                for (int i = 0; i < window.length; i++) {
                    window[i] = readings.get(i).doubleValue();
                }
                Map<String, Double> stats = ReadingStats.of(window);
                double score = output.get("score").doubleValue();
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("Score", score);
                stats.forEach((name, value) -> values.put(READING_METRICS.get(name), value));
                String label = DriftReference.ANOMALY_LABELS.get(output.get("anomalous").booleanValue() ? 1 : 0);
                return new Observation(stats, score, label, values);
            };
            // a raw graph's tensors name nothing drift could bin or chart: its requests are only counted
            case TENSOR -> (input, output) -> new Observation(Map.of(), null, null, Map.of());
            case TEXT_EMBEDDING -> {
                TextEmbeddingModel text = (TextEmbeddingModel) model;
                // tokenized a second time, as the model saw it: a short text costs tens of microseconds against
                // milliseconds of inference, and it keeps drift out of the scoring path
                yield (input, output) -> {
                    Encoding tokens = text.tokenize(input.get("text").asText());
                    double length = tokens.getIds().length;
                    Map<String, Double> values = new LinkedHashMap<>();
                    values.put("TokenLength", length);
                    // one 0/1 value per text: the metric's Average over any period is the truncated share of its texts
                    values.put("TruncationRate", tokens.exceedMaxLength() ? 1.0 : 0.0);
                    return new Observation(Map.of("tokens", length), null, null, values);
                };
            }
            // a TaskModel runs in a cpu function, which no text-generation model is (the catalog keeps it on gpu)
            case TEXT_GENERATION -> throw new IllegalArgumentException("no cpu model profiles text-generation");
        };
    }
}
