package dev.inferbus.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.EventCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** {@code tabular-classification}: {@code {features:{name:number}}} → {@code {label, score}}. */
public final class TabularClassificationModel extends RowScoringModel {

    private static final Set<String> FIELDS = Set.of("features");

    private final List<String> features;
    private final List<String> labels;
    private final double threshold;

    TabularClassificationModel(ModelSpec spec, ModelSignature signature, Path onnx) throws IOException {
        super(spec, signature, onnx, signature.required(signature.features(), "features").size());
        this.features = List.copyOf(signature.features());
        this.labels = List.copyOf(signature.required(signature.labels(), "labels"));
        this.threshold = signature.required(signature.threshold(), "threshold");
        if (labels.size() != 2) {
            throw new IllegalStateException(spec.id() + ": a binary classifier needs 2 labels, its signature has " + labels);
        }
    }

    @Override
    public float[] prepare(JsonNode input, String pointer) throws InvalidInputException {
        Inputs.requireFields(input, pointer, FIELDS);
        JsonNode given = input.get("features");
        String at = pointer + "/features";
        if (!given.isObject()) {
            throw InvalidInputException.invalid(at + ": expected an object of " + features.size() + " named numbers, got "
                    + EventCodec.describe(given));
        }
        float[] row = new float[features.size()];
        for (int i = 0; i < row.length; i++) {
            String name = features.get(i);
            JsonNode value = given.get(name);
            if (value == null) {
                throw InvalidInputException.invalid(at + "/" + Inputs.escape(name) + ": required (features: " + features + ")");
            }
            row[i] = Inputs.finiteFloat(value, at + "/" + Inputs.escape(name));
        }
        for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!features.contains(name)) {
                throw InvalidInputException.invalid(at + "/" + Inputs.escape(name) + ": unknown feature (features: " + features + ")");
            }
        }
        return row;
    }

    @Override
    JsonNode output(float score) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("label", labels.get(score >= threshold ? 1 : 0));
        out.put("score", score);
        return out;
    }

    @Override
    public JsonNode primingInput() {
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        features.forEach(f -> values.put(f, 1.0));
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.set("features", values);
        return input;
    }
}
