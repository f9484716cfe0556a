package dev.inferbus.samples.training;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * The two sample graphs, written with Tribuo's ONNX builder. Each takes a float matrix [batch, n] and returns
 * one float score per row, [batch, 1]; everything a model needs (scaling, transforms) is inside the graph.
 */
public final class OnnxGraphs {

    private static final long IR_VERSION = 8;

    private OnnxGraphs() {
    }

    /**
     * Logistic regression: {@code sigmoid(((t(x) - mean) / std) · w + b)}, where {@code t} replaces the
     * columns flagged in {@code logColumns} by {@code log(1 + |x|)}.
     */
    public static byte[] logisticRegression(String inputName, String outputName, boolean[] logColumns,
                                            double[] mean, double[] std, double[] weights, double bias,
                                            long modelVersion) {
        int n = mean.length;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("inferbus-logistic-regression");
        ONNXPlaceholder x = ctx.floatInput(inputName, n);
        ONNXPlaceholder out = ctx.floatOutput(outputName, 1);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = logColumns[i] ? 1f : 0f;
        }
        ONNXInitializer maskInit = ctx.array("log_mask", mask);
        // t(x) = x + mask * (log(1 + |x|) - x): stays finite for any finite input
        ONNXNode logged = x.apply(ExtraOps.ABS).apply(ONNXOperators.ADD, ctx.constant("one", 1f)).apply(ExtraOps.LOG);
        ONNXNode transformed = x.apply(ONNXOperators.ADD,
                logged.apply(ONNXOperators.SUB, x).apply(ONNXOperators.MUL, maskInit));
        ONNXNode scaled = transformed.apply(ONNXOperators.SUB, ctx.array("mean", toFloat(mean)))
                .apply(ONNXOperators.DIV, ctx.array("std", toFloat(std)));
        ONNXInitializer w = ctx.floatTensor("weights", List.of(n, 1), buf -> {
            for (double v : weights) {
                buf.put((float) v);
            }
        });
        ONNXNode logit = ctx.operation(ONNXOperators.GEMM, List.<ONNXRef<?>>of(scaled, w, ctx.array("bias", new float[] {(float) bias})),
                "logit", Map.of());
        logit.apply(ONNXOperators.SIGMOID).assignTo(out);
        return model(ctx.buildGraph(), "logistic regression over transaction features", modelVersion);
    }

    /**
     * PCA reconstruction error: {@code mean(((x - mu) - (x - mu)·P·Pᵀ)², axis 1)} with P the [n, k] principal axes.
     */
    public static byte[] pcaReconstructionError(String inputName, String outputName, double[] mean, double[][] axes) {
        int n = mean.length;
        int k = axes[0].length;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("inferbus-pca-reconstruction");
        ONNXPlaceholder x = ctx.floatInput(inputName, n);
        ONNXPlaceholder out = ctx.floatOutput(outputName, 1);
        ONNXNode centered = x.apply(ONNXOperators.SUB, ctx.array("mean", toFloat(mean)));
        ONNXInitializer p = ctx.floatTensor("axes", List.of(n, k), buf -> {
            for (double[] row : axes) {
                for (double v : row) {
                    buf.put((float) v);
                }
            }
        });
        ONNXNode codes = ctx.operation(ONNXOperators.GEMM, List.<ONNXRef<?>>of(centered, p), "codes", Map.of());
        ONNXNode reconstructed = ctx.operation(ONNXOperators.GEMM, List.<ONNXRef<?>>of(codes, p), "reconstructed",
                Map.of("transB", 1));
        ONNXNode residual = centered.apply(ONNXOperators.SUB, reconstructed);
        residual.apply(ONNXOperators.MUL, residual)
                .apply(ONNXOperators.REDUCE_MEAN, Map.of("axes", new int[] {1}, "keepdims", 1))
                .assignTo(out);
        return model(ctx.buildGraph(), "PCA reconstruction error over a vibration window", 1);
    }

    /** @param modelVersion the ONNX file's {@code model_version}: the version folder it is written under */
    private static byte[] model(OnnxMl.GraphProto graph, String description, long modelVersion) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("inferbus-samples")
                .setProducerVersion("1")
                .setModelVersion(modelVersion)
                .setDocString(description)
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
