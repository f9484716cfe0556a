package dev.inferbus.local.sagemaker;

import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.functions.runtime.ArtifactSource;
import dev.inferbus.functions.runtime.ModelRuntime;
import dev.inferbus.functions.runtime.TaskModel;
import dev.inferbus.functions.tensor.TensorRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local tensor endpoints' models: each tensor gpu model's {@code endpoint.localArtifact}, run with ONNX Runtime
 * by the cpu runtime's tensor model, standing in for Triton. It checks a request against what the graph declares,
 * as Triton checks it against the model's configuration, and its refusals name the field.
 */
public final class OnnxTensorModels implements AutoCloseable {

    private final ModelRuntime runtime;
    private final Map<String, ModelSpec> specByEndpoint;

    private OnnxTensorModels(ModelRuntime runtime, Map<String, ModelSpec> specByEndpoint) {
        this.runtime = runtime;
        this.specByEndpoint = specByEndpoint;
    }

    /** Loads the local artifacts of the tensor models among {@code gpuModels}; every one of them must name one. */
    public static OnnxTensorModels load(List<ModelSpec> gpuModels, ArtifactSource artifacts) throws IOException {
        Map<String, ModelSpec> specByEndpoint = new LinkedHashMap<>();
        for (ModelSpec model : gpuModels) {
            if (model.task() != Task.TENSOR) {
                continue;
            }
            // the endpoint's own limits: Triton's would be its configuration's, the forwarder checked the catalog's
            specByEndpoint.put(model.endpoint().name(), OnnxTextModels.runtimeSpec(model, 1));
        }
        return new OnnxTensorModels(ModelRuntime.load(List.copyOf(specByEndpoint.values()), artifacts), specByEndpoint);
    }

    /** Each endpoint's model: tensor endpoints from here, the rest from {@code texts}. */
    public Function<ModelSpec, SageMakerServer.EndpointModel> or(OnnxTextModels texts) {
        return model -> model.task() == Task.TENSOR ? modelFor(model) : texts.modelFor(model);
    }

    /** The model that serves {@code gpuModel}'s endpoint. */
    @SuppressWarnings("unchecked")
    public SageMakerServer.TensorModel modelFor(ModelSpec gpuModel) {
        TaskModel<TensorRequest> model = (TaskModel<TensorRequest>) runtime.model(specByEndpoint.get(gpuModel.endpoint().name()))
                .orElseThrow();
        // the body's own fields are named from its root, as a container names them
        return request -> model.predict(List.of(model.prepare(request, ""))).get(0);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
