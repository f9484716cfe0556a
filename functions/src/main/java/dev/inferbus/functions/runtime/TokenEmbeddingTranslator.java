package dev.inferbus.functions.runtime;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Token encodings in, sentence embeddings out, for BERT-style encoders (input_ids, attention_mask,
 * token_type_ids → last_hidden_state). Pads only to the longest encoding of the call, pools (mean over the
 * attention mask, or the CLS token) and L2-normalises. Pooling runs on plain arrays: DJL's ONNX Runtime
 * NDArrays do not implement the arithmetic. {@code Predictor.batchPredict} makes one tensor call of the whole
 * list through the batch methods below.
 */
public final class TokenEmbeddingTranslator implements Translator<Encoding, float[]> {

    private static final String MASK = "attention_mask";

    private final boolean meanPooling;
    private final boolean normalize;

    public TokenEmbeddingTranslator(boolean meanPooling, boolean normalize) {
        this.meanPooling = meanPooling;
        this.normalize = normalize;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Encoding encoding) {
        return batchProcessInput(ctx, List.of(encoding));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<Encoding> encodings) {
        int batch = encodings.size();
        int length = encodings.stream().mapToInt(e -> e.getIds().length).max().orElse(0);
        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        long[] types = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            Encoding e = encodings.get(b);
            System.arraycopy(e.getIds(), 0, ids, b * length, e.getIds().length);
            System.arraycopy(e.getAttentionMask(), 0, mask, b * length, e.getAttentionMask().length);
            System.arraycopy(e.getTypeIds(), 0, types, b * length, e.getTypeIds().length);
        }
        ctx.setAttachment(MASK, mask);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(batch, length);
        return new NDList(named(manager.create(ids, shape), "input_ids"), named(manager.create(mask, shape), MASK),
                named(manager.create(types, shape), "token_type_ids"));
    }

    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        NDArray hidden = list.get(0);
        long[] shape = hidden.getShape().getShape();
        int batch = (int) shape[0];
        int length = (int) shape[1];
        int dim = (int) shape[2];
        float[] values = hidden.toFloatArray();
        long[] mask = (long[]) ctx.getAttachment(MASK);
        List<float[]> embeddings = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            float[] out = new float[dim];
            embeddings.add(out);
            if (meanPooling) {
                int tokens = 0;
                for (int t = 0; t < length; t++) {
                    if (mask[b * length + t] != 0) {
                        tokens++;
                        int base = (b * length + t) * dim;
                        for (int d = 0; d < dim; d++) {
                            out[d] += values[base + d];
                        }
                    }
                }
                for (int d = 0; d < dim; d++) {
                    out[d] /= Math.max(tokens, 1);
                }
            } else {
                System.arraycopy(values, b * length * dim, out, 0, dim);
            }
            if (normalize) {
                double norm = 0;
                for (float v : out) {
                    norm += v * v;
                }
                float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                for (int d = 0; d < dim; d++) {
                    out[d] *= scale;
                }
            }
        }
        return embeddings;
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
