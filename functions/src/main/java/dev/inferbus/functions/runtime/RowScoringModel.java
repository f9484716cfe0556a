package dev.inferbus.functions.runtime;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model that scores one float row per request: the tasks differ only in how the row is read and the score told. */
abstract sealed class RowScoringModel implements TaskModel<float[]> permits TabularClassificationModel, AnomalyDetectionModel {

    private final ModelSpec spec;
    private final ZooModel<float[], Float> model;

    RowScoringModel(ModelSpec spec, ModelSignature signature, Path onnx, int width) throws IOException {
        this.spec = spec;
        this.model = OnnxModels.load(onnx, float[].class, Float.class,
                new RowScoreTranslator(signature.required(signature.inputName(), "inputName"), width));
    }

    @Override
    public final ModelSpec spec() {
        return spec;
    }

    /** The task's output for one score. */
    abstract JsonNode output(float score);

    @Override
    public final List<JsonNode> predict(List<float[]> batch) throws Exception {
        List<Float> scores;
        try (Predictor<float[], Float> predictor = model.newPredictor()) {
            scores = predictor.batchPredict(batch);
        }
        List<JsonNode> outputs = new ArrayList<>(scores.size());
        for (Float score : scores) {
            if (!Float.isFinite(score)) {
                throw new IllegalStateException(spec.id() + " produced a non-finite score");
            }
            outputs.add(output(score));
        }
        return outputs;
    }

    @Override
    public final void close() {
        model.close();
    }
}
