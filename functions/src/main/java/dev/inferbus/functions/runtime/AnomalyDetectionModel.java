package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.EventCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** {@code anomaly-detection}: {@code {readings:[number]}} (a fixed-length window) → {@code {score, anomalous}}. */
public final class AnomalyDetectionModel extends RowScoringModel {

    private static final Set<String> FIELDS = Set.of("readings");

    private final int window;
    private final double threshold;

    AnomalyDetectionModel(ModelSpec spec, ModelSignature signature, Path onnx) throws IOException {
        super(spec, signature, onnx, signature.required(signature.window(), "window"));
        this.window = signature.window();
        this.threshold = signature.required(signature.threshold(), "threshold");
    }

    @Override
    public float[] prepare(JsonNode input, String pointer) throws InvalidInputException {
        Inputs.requireFields(input, pointer, FIELDS);
        JsonNode readings = input.get("readings");
        String at = pointer + "/readings";
        if (!readings.isArray()) {
            throw InvalidInputException.invalid(at + ": expected an array of " + window + " numbers, got " + EventCodec.describe(readings));
        }
        if (readings.size() != window) {
            throw InvalidInputException.invalid(at + ": expected exactly " + window + " readings, got " + readings.size());
        }
        float[] row = new float[window];
        for (int i = 0; i < window; i++) {
            row[i] = Inputs.finiteFloat(readings.get(i), at + "/" + i);
        }
        return row;
    }

    @Override
    JsonNode output(float score) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("score", score);
        out.put("anomalous", score > threshold);
        return out;
    }

    @Override
    public JsonNode primingInput() {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        ArrayNode readings = input.putArray("readings");
        for (int i = 0; i < window; i++) {
            readings.add(Math.sin(2 * Math.PI * 4 * i / window));
        }
        return input;
    }
}
