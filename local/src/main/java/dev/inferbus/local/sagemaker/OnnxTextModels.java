package dev.inferbus.local.sagemaker;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.BatchSpec;
import dev.inferbus.events.catalog.FunctionSpec;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.events.catalog.Tier;
import dev.inferbus.events.catalog.Trigger;
import dev.inferbus.functions.gpu.MalformedPayloadException;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.runtime.ModelSignature;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.runtime.TextEmbeddings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local endpoints' models: each gpu model's {@code endpoint.localArtifact}, loaded once per distinct file
 * with the cpu runtime, standing in for what its container would serve.
 */
public final class OnnxTextModels implements AutoCloseable {

    /**
     * One artifact as its endpoint serves it.
     *
     * @param counter the model's tokenizer without a cut, to count a text's tokens as TEI's router does before
     *                anything is embedded
     */
    private record Loaded(ModelSpec runtimeSpec, HuggingFaceTokenizer counter, int maxInputTokens) {
    }

    private final ModelRuntime runtime;
    private final Map<String, Loaded> byArtifact;

    private OnnxTextModels(ModelRuntime runtime, Map<String, Loaded> byArtifact) {
        this.runtime = runtime;
        this.byArtifact = byArtifact;
    }

    /**
     * The cpu runtime's spec of a gpu model's local artifact, as the stand-in runs it: its task and limits, at most
     * {@code maxTensorBatch} inputs in one tensor call.
     */
    static ModelSpec runtimeSpec(ModelSpec gpuModel, int maxTensorBatch) {
        return new ModelSpec("local-" + gpuModel.endpoint().name(), "1", gpuModel.task(), Tier.CPU, Trigger.SQS,
                localArtifact(gpuModel), new BatchSpec(1, 0, maxTensorBatch), null, gpuModel.limits(),
                new FunctionSpec(1024, 30), 0);
    }

    /** Loads the local artifacts of the text models among {@code gpuModels}; every one of them must name one. */
    public static OnnxTextModels load(List<ModelSpec> gpuModels, ArtifactSource artifacts) throws IOException {
        Map<String, ModelSpec> specByArtifact = new LinkedHashMap<>();
        for (ModelSpec model : gpuModels) {
            if (model.task() != Task.TEXT_EMBEDDING) {
                // a tensor endpoint's graph is served by OnnxTensorModels
                continue;
            }
            String artifact = localArtifact(model);
            specByArtifact.putIfAbsent(artifact, runtimeSpec(model, 1024));
        }
        ModelRuntime runtime = ModelRuntime.load(List.copyOf(specByArtifact.values()), artifacts);
        Map<String, Loaded> byArtifact = new LinkedHashMap<>();
        try {
            for (var entry : specByArtifact.entrySet()) {
                ModelSpec spec = entry.getValue();
                String prefix = spec.artifactFolder().isEmpty() ? "" : spec.artifactFolder() + "/";
                // TEI's limit is the model's max_seq_length; an inferbus model folder states it as signature.json's
                // maxTokens, which the runtime (and so this endpoint) cuts every text to
                ModelSignature signature = ModelSignature.read(artifacts.fetch(prefix + "signature.json"));
                HuggingFaceTokenizer counter = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(artifacts.fetch(prefix + signature.tokenizer()))
                        .optTruncation(false).optPadding(false).build();
                byArtifact.put(entry.getKey(), new Loaded(spec, counter, signature.maxTokens()));
            }
        } catch (IOException | RuntimeException e) {
            byArtifact.values().forEach(l -> l.counter().close());
            runtime.close();
            throw e;
        }
        return new OnnxTextModels(runtime, byArtifact);
    }

    /** The ONNX file that the local endpoint of {@code gpuModel} serves; every local endpoint needs one. */
    static String localArtifact(ModelSpec gpuModel) {
        String artifact = gpuModel.endpoint().localArtifact();
        if (artifact == null) {
            throw new IllegalArgumentException("gpu model '" + gpuModel.id() + "' has no endpoint.localArtifact: the local "
                    + "endpoint " + gpuModel.endpoint().name() + " has nothing to serve");
        }
        return artifact;
    }

    /** The model that serves {@code gpuModel}'s endpoint. */
    public SageMakerServer.TextModel modelFor(ModelSpec gpuModel) {
        Loaded loaded = byArtifact.get(gpuModel.endpoint().localArtifact());
        TaskModel<?> model = runtime.model(loaded.runtimeSpec()).orElseThrow();
        return new SageMakerServer.TextModel() {
            @Override
            public List<float[]> embed(List<String> texts) throws Exception {
                return OnnxTextModels.embed(model, texts);
            }

            @Override
            public int maxInputTokens() {
                return loaded.maxInputTokens();
            }

            @Override
            public int tokens(String text) {
                return loaded.counter().encode(text).getIds().length;
            }
        };
    }

    private static <P> List<float[]> embed(TaskModel<P> model, List<String> texts) throws Exception {
        List<P> prepared = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                prepared.add(model.prepare(TextEmbeddings.input(texts.get(i)), "/inputs/" + i));
            } catch (InvalidInputException e) {
                throw new MalformedPayloadException(e.getMessage());
            }
        }
        List<float[]> embeddings = new ArrayList<>(texts.size());
        for (JsonNode output : model.predict(prepared)) {
            JsonNode values = output.get("embedding");
            float[] v = new float[values.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = values.get(k).floatValue();
            }
            embeddings.add(v);
        }
        return embeddings;
    }

    @Override
    public void close() {
        byArtifact.values().forEach(l -> l.counter().close());
        runtime.close();
    }
}
