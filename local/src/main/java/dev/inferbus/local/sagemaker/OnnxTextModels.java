package dev.inferbus.local.sagemaker;

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

    private final ModelRuntime runtime;
    private final Map<String, String> idByArtifact;

    private OnnxTextModels(ModelRuntime runtime, Map<String, String> idByArtifact) {
        this.runtime = runtime;
        this.idByArtifact = idByArtifact;
    }

    /** Loads the local artifacts of {@code gpuModels}; every one of them must name one. */
    public static OnnxTextModels load(List<ModelSpec> gpuModels, ArtifactSource artifacts) throws IOException {
        Map<String, String> idByArtifact = new LinkedHashMap<>();
        List<ModelSpec> specs = new ArrayList<>();
        for (ModelSpec model : gpuModels) {
            String artifact = model.endpoint().localArtifact();
            if (artifact == null) {
                throw new IllegalArgumentException("gpu model '" + model.id() + "' has no endpoint.localArtifact: the local "
                        + "endpoint " + model.endpoint().name() + " has nothing to serve");
            }
            if (!idByArtifact.containsKey(artifact)) {
                String id = "local-" + model.endpoint().name();
                idByArtifact.put(artifact, id);
                specs.add(new ModelSpec(id, "1", Task.TEXT_EMBEDDING, Tier.CPU, Trigger.SQS, artifact, new BatchSpec(1, 0, 1024),
                        null, model.limits(), new FunctionSpec(1024, 30), 0));
            }
        }
        return new OnnxTextModels(ModelRuntime.load(specs, artifacts), idByArtifact);
    }

    /** The model that serves {@code gpuModel}'s endpoint. */
    public SageMakerServer.TextModel modelFor(ModelSpec gpuModel) {
        TaskModel<?> model = runtime.model(idByArtifact.get(gpuModel.endpoint().localArtifact())).orElseThrow();
        return texts -> embed(model, texts);
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
        runtime.close();
    }
}
