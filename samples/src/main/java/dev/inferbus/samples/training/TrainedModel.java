package dev.inferbus.samples.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.drift.DriftReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a training run yields: the ONNX file, the signature the runtime reads beside it, the metrics, and the
 * reference distribution the functions' drift metrics compare traffic against.
 */
public record TrainedModel(byte[] onnx, ObjectNode signature, ObjectNode metrics, DriftReference reference) {

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("model.onnx"), onnx);
        Files.writeString(folder.resolve("signature.json"), json(signature));
        Files.writeString(folder.resolve("metrics.json"), json(metrics));
        reference.writeTo(folder);
    }

    public static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
