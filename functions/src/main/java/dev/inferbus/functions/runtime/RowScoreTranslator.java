package dev.inferbus.functions.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of floats in, one score per row out: the tensor contract shared by tabular classification and anomaly
 * detection ([batch, n] float32 → [batch, 1] float32). {@code Predictor.batchPredict} makes one tensor call of
 * the whole list through the batch methods below.
 */
public final class RowScoreTranslator implements Translator<float[], Float> {

    private final String inputName;
    private final int width;

    public RowScoreTranslator(String inputName, int width) {
        this.inputName = inputName;
        this.width = width;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] row) {
        return batchProcessInput(ctx, List.of(row));
    }

    @Override
    public Float processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<float[]> rows) {
        float[] flat = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * width, width);
        }
        NDArray tensor = ctx.getNDManager().create(flat, new Shape(rows.size(), width));
        tensor.setName(inputName);
        return new NDList(tensor);
    }

    @Override
    public List<Float> batchProcessOutput(TranslatorContext ctx, NDList list) {
        float[] scores = list.get(0).toFloatArray();
        List<Float> out = new ArrayList<>(scores.length);
        for (float score : scores) {
            out.add(score);
        }
        return out;
    }
}
