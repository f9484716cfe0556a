package dev.inferbus.functions.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.functions.tensor.OnnxTensors;
import dev.inferbus.functions.tensor.Tensor;
import dev.inferbus.functions.tensor.TensorRequest;
import dev.inferbus.functions.tensor.TensorSignature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tensor}: any ONNX graph called raw, named tensors in and out, checked against what the graph declares
 * (read from the model file: no signature file). Requests whose tensors agree beyond the first axis, and ask for the
 * same outputs, share one call stacked along it when the graph declares that axis dynamic everywhere; the rest run
 * one call each.
 */
public final class TensorModel implements TaskModel<TensorRequest> {

    private final ModelSpec spec;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final TensorSignature signature;

    TensorModel(ModelSpec spec, Path onnx) throws IOException {
        this.spec = spec;
        // DJL's engine first: it must create the process's ONNX Runtime environment (DjlEnvironment says why)
        DjlEnvironment.engine();
        this.env = OrtEnvironment.getEnvironment();
        try {
            this.session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new IOException("cannot load " + onnx + ": " + e.getMessage(), e);
        }
        try {
            this.signature = TensorSignature.of(session, spec.id());
        } catch (OrtException e) {
            close();
            throw new IOException(spec.id() + ": cannot read the tensors " + onnx + " declares: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** The tensors the graph declares. */
    public TensorSignature signature() {
        return signature;
    }

    @Override
    public TensorRequest prepare(JsonNode input, String pointer) throws InvalidInputException {
        TensorRequest request = TensorRequest.read(input, pointer, spec.limits());
        signature.check(request);
        return request;
    }

    @Override
    public List<JsonNode> predict(List<TensorRequest> batch) throws Exception {
        JsonNode[] outputs = new JsonNode[batch.size()];
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            groups.computeIfAbsent(signature.batchable() ? stackKey(batch.get(i)) : List.of(i), k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : groups.values()) {
            List<TensorRequest> requests = group.stream().map(batch::get).toList();
            List<JsonNode> scored = requests.size() == 1 ? List.of(output(run(requests.get(0)))) : stacked(requests);
            for (int k = 0; k < group.size(); k++) {
                outputs[group.get(k)] = scored.get(k);
            }
        }
        return Arrays.asList(outputs);
    }

    /** What requests must share to stack: every input's dimensions past the first, and the outputs asked for. */
    private List<Object> stackKey(TensorRequest request) {
        List<Object> key = new ArrayList<>();
        for (String name : signature.inputs().keySet()) {
            long[] shape = byName(request, name).shape();
            key.add(Arrays.stream(shape).skip(1).boxed().toList());
        }
        key.add(new HashSet<>(request.outputs()));
        return key;
    }

    /**
     * One call for all of {@code requests}, each output cut back into their rows; when the graph answers an output
     * whose first axis is not the rows it was given, each request runs on its own instead.
     */
    private List<JsonNode> stacked(List<TensorRequest> requests) throws OrtException {
        List<Tensor> inputs = new ArrayList<>();
        for (String name : signature.inputs().keySet()) {
            inputs.add(Tensor.concat(requests.stream().map(r -> byName(r, name)).toList()));
        }
        long rows = inputs.get(0).rows();
        List<Tensor> all = run(inputs, requests.get(0).outputs());
        List<JsonNode> outputs = new ArrayList<>(requests.size());
        if (all.stream().anyMatch(t -> t.rank() == 0 || t.rows() != rows)) {
            for (TensorRequest request : requests) {
                outputs.add(output(run(request)));
            }
            return outputs;
        }
        long from = 0;
        for (TensorRequest request : requests) {
            long count = byName(request, inputs.get(0).name()).rows();
            long start = from;
            outputs.add(output(all.stream().map(t -> t.rows(start, count)).toList()));
            from += count;
        }
        return outputs;
    }

    private static Tensor byName(TensorRequest request, String name) {
        return request.inputs().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private List<Tensor> run(TensorRequest request) throws OrtException {
        return run(request.inputs(), request.outputs());
    }

    private List<Tensor> run(List<Tensor> inputs, List<String> wanted) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Tensor tensor : inputs) {
                feed.put(tensor.name(), OnnxTensors.create(env, tensor));
            }
            try (OrtSession.Result result = wanted.isEmpty() ? session.run(feed) : session.run(feed, new HashSet<>(wanted))) {
                List<Tensor> outputs = new ArrayList<>();
                // in the order asked for, else the graph's declared order
                for (String name : wanted.isEmpty() ? signature.outputs().keySet() : wanted) {
                    outputs.add(OnnxTensors.read(name, result.get(name).orElseThrow()));
                }
                return outputs;
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private ObjectNode output(List<Tensor> tensors) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("outputs");
        for (Tensor t : tensors) {
            ObjectNode tensor = t.toJson();
            // JSON has no NaN or infinity: such an output cannot be written as KServe's JSON data
            for (JsonNode v : tensor.get("data")) {
                if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) {
                    throw new IllegalStateException(spec.id() + " produced a non-finite value in output '" + t.name() + "'");
                }
            }
            list.add(tensor);
        }
        return out;
    }

    /** Zeros (false, empty strings) of each declared input, one row where a dimension is dynamic. */
    @Override
    public JsonNode primingInput() {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        ArrayNode inputs = input.putArray("inputs");
        for (TensorSignature.Declared declared : signature.inputs().values()) {
            long[] shape = Arrays.stream(declared.shape()).map(d -> d < 0 ? 1 : d).toArray();
            ObjectNode tensor = inputs.addObject().put("name", declared.name()).put("datatype", declared.datatype().name());
            ArrayNode dims = tensor.putArray("shape");
            Arrays.stream(shape).forEach(dims::add);
            ArrayNode data = tensor.putArray("data");
            for (long k = 0; k < Tensor.elements(shape); k++) {
                switch (declared.datatype()) {
                    case BOOL -> data.add(false);
                    case BYTES -> data.add("");
                    default -> data.add(0);
                }
            }
        }
        return input;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the session of " + spec.id() + ": " + e.getMessage(), e);
        }
    }
}
