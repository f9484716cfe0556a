package dev.inferbus.events.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.inferbus.events.catalog.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@value #FILE}, beside a model's ONNX file: the distribution the model was trained for, which drift metrics
 * compare live traffic against. Written by the training of a model, shipped with it in the models asset, read by
 * the functions at init. This record is the format's one owner.
 *
 * @param source what data the bins were taken from
 * @param rows   how many rows the input bins were taken from
 * @param inputs per input column (a tabular feature, an anomaly window's {@link ReadingStats}), in order
 * @param score  the output score's bins on held-out data; null for a model without a score
 * @param labels the share of each output label on the same held-out data; empty for a model without labels
 */
@JsonPropertyOrder({"model", "version", "source", "rows", "inputs", "score", "labels"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftReference(String model, String version, String source, int rows, Map<String, Bins> inputs, Bins score,
                             Map<String, Double> labels) {

    public static final String FILE = "reference.json";

    /**
     * Whether a model of {@code task} reads the reference beside its ONNX file: a reference bins its task's named
     * columns, and a tensor model that calls the same graph raw shares the folder, not the columns.
     */
    public static boolean appliesTo(Task task) {
        return task != Task.TENSOR;
    }
    /** The labels an anomaly model's {@code anomalous} flag is counted under, false then true. */
    public static final List<String> ANOMALY_LABELS = List.of("normal", "anomalous");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DriftReference {
        // insertion order is the file's order: a retrain must write the same bytes
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels == null ? Map.of() : labels));
    }

    public static DriftReference read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), DriftReference.class);
    }

    public static DriftReference parse(String json) throws IOException {
        return JSON.readValue(json, DriftReference.class);
    }

    public void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(FILE), toJson());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
