package dev.inferbus.functions.tensor;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tensors an ONNX graph declares, read from the model itself (no signature file): each input's and output's
 * name, element type and shape, a dimension below 0 being dynamic (ONNX Runtime reports a symbolic or unknown
 * dimension as -1).
 */
public record TensorSignature(Map<String, Declared> inputs, Map<String, Declared> outputs) {

    /** One declared tensor; {@code shape} holds -1 where a dimension is dynamic. */
    public record Declared(String name, Datatype datatype, long[] shape) {

        public Declared {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        boolean dynamic(int axis) {
            return shape[axis] < 0;
        }

        /** What a request's tensor must be, as said in a refusal: {@code FP32 [-1, 8]}. */
        String describe() {
            return datatype + " " + Arrays.toString(shape);
        }
    }

    public TensorSignature {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * The session's declared tensors.
     *
     * @throws IllegalStateException when a tensor is not a tensor (a sequence, a map) or of an element type KServe
     *                               has no name for, or an input is of one ONNX Runtime's Java API cannot create
     */
    public static TensorSignature of(OrtSession session, String model) throws OrtException {
        Map<String, Declared> inputs = declared(session.getInputInfo(), model, "input");
        for (Declared input : inputs.values()) {
            if (input.datatype().javaType().isEmpty()) {
                throw new IllegalStateException(model + ": input '" + input.name() + "' is " + input.datatype()
                        + ", which ONNX Runtime's Java API cannot create a tensor of");
            }
        }
        return new TensorSignature(inputs, declared(session.getOutputInfo(), model, "output"));
    }

    private static Map<String, Declared> declared(Map<String, NodeInfo> nodes, String model, String kind) {
        Map<String, Declared> declared = new LinkedHashMap<>();
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw new IllegalStateException(model + ": " + kind + " '" + node.getName() + "' is not a tensor ("
                        + node.getInfo() + "); the tensor task takes and gives tensors only");
            }
            Datatype datatype = Datatype.ofOnnx(info.onnxType).orElseThrow(() -> new IllegalStateException(model + ": "
                    + kind + " '" + node.getName() + "' has element type " + info.onnxType + ", which KServe v2 has no name for"));
            declared.put(node.getName(), new Declared(node.getName(), datatype, info.getShape()));
        }
        return declared;
    }

    /**
     * Checks a request against the declared tensors: every declared input given once, no other, each of its
     * datatype and rank, each fixed dimension as declared; every output asked for declared.
     */
    public void check(TensorRequest request) throws InvalidInputException {
        List<String> given = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            Tensor tensor = request.inputs().get(i);
            Declared declared = inputs.get(tensor.name());
            if (declared == null) {
                throw InvalidInputException.invalid(request.at(i, "name") + ": the model has no input '" + tensor.name()
                        + "' (its inputs: " + describe(inputs) + ")");
            }
            if (tensor.datatype() != declared.datatype()) {
                throw InvalidInputException.invalid(request.at(i, "datatype") + ": input '" + tensor.name() + "' is "
                        + declared.datatype() + ", got " + tensor.datatype());
            }
            long[] shape = tensor.shape();
            if (shape.length != declared.shape.length) {
                throw InvalidInputException.invalid(request.at(i, "shape") + ": input '" + tensor.name() + "' has rank "
                        + declared.shape.length + " (" + declared.describe() + "), got " + Arrays.toString(shape));
            }
            for (int d = 0; d < shape.length; d++) {
                if (!declared.dynamic(d) && shape[d] != declared.shape[d]) {
                    throw InvalidInputException.invalid(request.at(i, "shape/" + d) + ": input '" + tensor.name()
                            + "' has " + declared.shape[d] + " there (" + declared.describe() + "), got " + shape[d]);
                }
            }
            given.add(tensor.name());
        }
        List<String> missing = inputs.keySet().stream().filter(name -> !given.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw InvalidInputException.invalid(request.pointer() + "/inputs: missing input(s) " + missing
                    + " (the model's inputs: " + describe(inputs) + ")");
        }
        for (int k = 0; k < request.outputs().size(); k++) {
            if (!outputs.containsKey(request.outputs().get(k))) {
                throw InvalidInputException.invalid(request.pointer() + "/outputs/" + k + "/name: the model has no output '"
                        + request.outputs().get(k) + "' (its outputs: " + describe(outputs) + ")");
            }
        }
    }

    /**
     * Whether requests can share a call along the first axis: every input and output declares it dynamic, so the
     * graph takes any number of rows and gives a row per row.
     */
    public boolean batchable() {
        return inputs.values().stream().allMatch(d -> d.shape.length > 0 && d.dynamic(0))
                && outputs.values().stream().allMatch(d -> d.shape.length > 0 && d.dynamic(0));
    }

    private static String describe(Map<String, Declared> tensors) {
        return tensors.values().stream().map(d -> d.name() + " " + d.describe()).collect(Collectors.joining(", "));
    }
}
