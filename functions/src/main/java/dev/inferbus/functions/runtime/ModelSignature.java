package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code signature.json}, beside each model's ONNX file: what the graph's tensors are called and how the task
 * turns them into an output. Fields that a task does not use are null.
 *
 * @param features tabular: the input columns, in tensor order
 * @param labels tabular: label below, label at or above {@code threshold}
 * @param threshold tabular: the score from which the second label applies; anomaly: the score above which a
 *                  window is anomalous
 * @param window anomaly: readings per window
 * @param tokenizer text: the tokenizer file, relative to the model folder
 * @param pooling text: {@code mean} over the attention mask, or {@code cls}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSignature(
        String task,
        String inputName,
        String outputName,
        List<String> features,
        List<String> labels,
        Double threshold,
        Integer window,
        String tokenizer,
        Integer maxTokens,
        String pooling,
        Boolean normalize,
        Integer dim) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelSignature read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ModelSignature.class);
    }

    /** A field the task needs; throws naming the file's field when it is missing. */
    <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalStateException("signature.json of a " + task + " model lacks '" + field + "'");
        }
        return value;
    }
}
