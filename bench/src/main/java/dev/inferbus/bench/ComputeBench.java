package dev.inferbus.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.functions.batch.MicroBatcher;
import dev.inferbus.functions.handler.FunctionRuntime;
import dev.inferbus.functions.pipeline.InferencePipeline;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.DjlEnvironment;
import dev.inferbus.functions.runtime.RowScoreTranslator;
import dev.inferbus.functions.runtime.TokenEmbeddingTranslator;
import dev.inferbus.samples.fraud.TransactionGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P1 (the handler's compute path against raw {@code OrtSession.run}) and P2 (the batched pipeline against a naive
 * handler that calls a DJL Predictor once per record, and against unsorted fixed-size batching), in one process.
 */
final class ComputeBench implements AutoCloseable {

    private final FunctionRuntime runtime;
    private final int trials;
    private final double warmupSeconds;
    private final double trialSeconds;
    private final ArtifactSource artifacts = ArtifactSource.fromRoot("classpath:");
    final Map<String, Object> raw = new LinkedHashMap<>();

    ComputeBench(FunctionRuntime runtime, int trials, double warmupSeconds, double trialSeconds) {
        this.runtime = runtime;
        this.trials = trials;
        this.warmupSeconds = warmupSeconds;
        this.trialSeconds = trialSeconds;
    }

    /**
     * Events per second of {@code run} (which handles {@code n} events): warmed up for a few seconds so the JIT
     * has compiled the path, then each trial repeats it for at least {@code trialSeconds}.
     */
    private Stats throughput(int n, Runnable run) {
        repeatFor(warmupSeconds, run);
        List<Double> rates = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            rates.add(n * repeatFor(trialSeconds, run));
        }
        return Stats.of(rates);
    }

    /** Runs {@code run} until {@code seconds} have passed (at least once); returns runs per second. */
    private static double repeatFor(double seconds, Runnable run) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int runs = 0;
        do {
            run.run();
            runs++;
        } while (System.nanoTime() < end);
        return runs / ((System.nanoTime() - start) / 1e9);
    }

    /** P1: pipeline (decode → validate → micro-batch → infer → encode) vs raw ORT on the same pre-tokenised 64. */
    Map<String, Stats> p1() throws Exception {
        List<String> texts = Workload.mixedTexts(64, 1);
        List<InferencePipeline.Record> records = Workload.records("sentence-embedder",
                texts.stream().map(Workload::textInput).toList(), "p1");
        InferencePipeline pipeline = runtime.pipelineWith(new MicroBatcher.Options(true, 64));
        try (HuggingFaceTokenizer tokenizer = tokenizer(); OrtSession session = OrtEnvironment.getEnvironment()
                .createSession(artifacts.fetch("models/sentence-embedder/1/model.onnx").toString())) {
            List<Encoding> encodings = texts.stream().map(tokenizer::encode).toList();
            int length = encodings.stream().mapToInt(e -> e.getIds().length).max().orElseThrow();
            long[][] ids = new long[64][length];
            long[][] mask = new long[64][length];
            long[][] types = new long[64][length];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(encodings.get(i).getIds(), 0, ids[i], 0, encodings.get(i).getIds().length);
                System.arraycopy(encodings.get(i).getAttentionMask(), 0, mask[i], 0, encodings.get(i).getIds().length);
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor i = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                 OnnxTensor y = OnnxTensor.createTensor(env, types)) {
                Map<String, OnnxTensor> inputs = Map.of("input_ids", i, "attention_mask", m, "token_type_ids", y);
                Runnable rawRun = () -> {
                    try (OrtSession.Result result = session.run(inputs)) {
                        result.get(0);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                Runnable pipelineRun = () -> pipeline.computeRows(records);
                // interleave the two so that drift on a shared machine hits both alike
                List<Double> rawRates = new ArrayList<>();
                List<Double> pipeRates = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                repeatFor(warmupSeconds, rawRun);
                repeatFor(warmupSeconds, pipelineRun);
                for (int t = 0; t < trials; t++) {
                    double r = 64 * repeatFor(trialSeconds, rawRun);
                    double p = 64 * repeatFor(trialSeconds, pipelineRun);
                    rawRates.add(r);
                    pipeRates.add(p);
                    ratios.add(p / r);
                }
                Map<String, Stats> out = new LinkedHashMap<>();
                out.put("raw", Stats.of(rawRates));
                out.put("pipeline", Stats.of(pipeRates));
                out.put("ratio", Stats.of(ratios));
                raw.put("p1.paddedLength", length);
                return out;
            }
        }
    }

    /** P2 for fraud-scorer: one 256-record batch through the batched pipeline vs a naive per-record handler. */
    Map<String, Stats> p2Fraud() throws Exception {
        List<ObjectNode> inputs = Workload.transactions(256, 3);
        List<InferencePipeline.Record> records = Workload.records("fraud-scorer", inputs, "p2f");
        InferencePipeline batched = runtime.pipelineWith(new MicroBatcher.Options(true, 256));
        InferencePipeline asCatalog = runtime.pipeline();
        Path onnx = artifacts.fetch("models/fraud-scorer/1/model.onnx");
        try (ZooModel<float[], Float> model = load(onnx, float[].class, Float.class,
                new RowScoreTranslator("features", TransactionGenerator.FEATURES.size()));
             Predictor<float[], Float> predictor = model.newPredictor()) {
            Runnable naive = () -> {
                for (InferencePipeline.Record r : records) {
                    JsonNode features = read(r.body()).path("detail").path("input").path("features");
                    float[] row = new float[TransactionGenerator.FEATURES.size()];
                    for (int k = 0; k < row.length; k++) {
                        row[k] = (float) features.path(TransactionGenerator.FEATURES.get(k)).asDouble();
                    }
                    try {
                        float score = predictor.predict(row);
                        Workload.JSON.writeValueAsString(Workload.JSON.createObjectNode()
                                .put("label", score >= 0.5 ? "fraud" : "legit").put("score", score));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            Map<String, Stats> out = new LinkedHashMap<>();
            out.put("naive", throughput(256, naive));
            out.put("batched", throughput(256, () -> batched.computeRows(records)));
            out.put("catalog", throughput(256, () -> asCatalog.computeRows(records)));
            return out;
        }
    }

    /** P2 for MiniLM: mixed-length texts; naive per record, the catalog's setting, unsorted fixed 64, and the curve. */
    Map<String, Stats> p2Text(int n) throws Exception {
        List<String> texts = Workload.mixedTexts(n, 7);
        List<InferencePipeline.Record> records = Workload.records("sentence-embedder",
                texts.stream().map(Workload::textInput).toList(), "p2t");
        Path onnx = artifacts.fetch("models/sentence-embedder/1/model.onnx");
        Map<String, Stats> out = new LinkedHashMap<>();
        try (HuggingFaceTokenizer tokenizer = tokenizer();
             ZooModel<Encoding, float[]> model = load(onnx, Encoding.class, float[].class, new TokenEmbeddingTranslator(true, true));
             Predictor<Encoding, float[]> predictor = model.newPredictor()) {
            Runnable naive = () -> {
                for (InferencePipeline.Record r : records) {
                    String text = read(r.body()).path("detail").path("input").path("text").asText();
                    try {
                        float[] embedding = predictor.predict(tokenizer.encode(text));
                        ObjectNode output = Workload.JSON.createObjectNode();
                        var values = output.putArray("embedding");
                        for (float v : embedding) {
                            values.add(v);
                        }
                        Workload.JSON.writeValueAsString(output.put("dim", embedding.length));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            out.put("naive", throughput(n, naive));
        }
        out.put("catalog", throughput(n, () -> runtime.pipeline().computeRows(records)));
        out.put("unsorted64", throughput(n, () -> runtime.pipelineWith(new MicroBatcher.Options(false, 64)).computeRows(records)));
        for (int size : new int[] {1, 8, 16, 32, 64, 128}) {
            InferencePipeline sorted = runtime.pipelineWith(new MicroBatcher.Options(true, size));
            out.put("sorted" + size, throughput(n, () -> sorted.computeRows(records)));
        }
        return out;
    }

    private HuggingFaceTokenizer tokenizer() throws Exception {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(artifacts.fetch("models/sentence-embedder/1/tokenizer.json"))
                .optMaxLength(256).optTruncation(true).optPadding(false).build();
    }

    private static <I, O> ZooModel<I, O> load(Path onnx, Class<I> in, Class<O> out, ai.djl.translate.Translator<I, O> translator) throws Exception {
        DjlEnvironment.engine();
        return Criteria.builder().setTypes(in, out).optModelPath(onnx.getParent())
                .optModelName(onnx.getFileName().toString().replace(".onnx", ""))
                .optEngine(DjlEnvironment.ENGINE).optTranslator(translator).build().loadModel();
    }

    private static JsonNode read(String json) {
        try {
            return Workload.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        runtime.close();
    }
}
