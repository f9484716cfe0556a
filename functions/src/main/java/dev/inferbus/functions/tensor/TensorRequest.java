package dev.inferbus.functions.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.events.contract.ContractSchemas;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.functions.runtime.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensor task's input read and checked on its own, before any model is asked: the contract's schema
 * ({@code tensor-input.schema.json}), distinct names, each shape's element count within the catalog's
 * {@code limits.maxTensorElements} (before anything is allocated for it), and each {@code data} holding that many
 * elements of its datatype. The same body is a KServe v2 inference request, so an endpoint's container reads it
 * here too.
 *
 * @param pointer the JSON pointer of the input object, that later checks name fields by
 * @param outputs the output names asked for, in order; empty for all of the model's outputs
 */
public record TensorRequest(List<Tensor> inputs, List<String> outputs, String pointer) {

    public TensorRequest {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Where a field of input tensor {@code index} sits. */
    public String at(int index, String field) {
        return pointer + "/inputs/" + index + (field.isEmpty() ? "" : "/" + field);
    }

    public static TensorRequest read(JsonNode input, String pointer, InputLimits limits) throws InvalidInputException {
        List<String> problems = ContractSchemas.shared().checkTensorInput(input, pointer);
        if (!problems.isEmpty()) {
            throw InvalidInputException.invalid(String.join("; ", problems));
        }
        JsonNode given = input.get("inputs");
        Map<String, Integer> names = new HashMap<>();
        long total = 0;
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            JsonNode tensor = given.get(i);
            Integer earlier = names.putIfAbsent(tensor.get("name").asText(), i);
            if (earlier != null) {
                throw InvalidInputException.invalid(pointer + "/inputs/" + i + "/name: '" + tensor.get("name").asText()
                        + "' is already the name of inputs/" + earlier);
            }
            long[] shape = new long[tensor.get("shape").size()];
            long elements = 1;
            for (int d = 0; d < shape.length; d++) {
                JsonNode dim = tensor.get("shape").get(d);
                shape[d] = dim.canConvertToLong() ? dim.longValue() : Long.MAX_VALUE;
                // checked as it grows: a product of huge dimensions would overflow
                elements = multiply(elements, shape[d]);
                if (elements > limits.maxTensorElements() - total) {
                    throw new InvalidInputException(ErrorCode.INPUT_TOO_LARGE, pointer + "/inputs/" + i + "/shape: the"
                            + " input tensors may hold at most " + limits.maxTensorElements() + " elements together"
                            + " (limits.maxTensorElements), this shape brings them over it");
                }
            }
            total += elements;
            shapes.add(shape);
        }
        List<Tensor> tensors = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            tensors.add(tensor(given.get(i), shapes.get(i), pointer + "/inputs/" + i));
        }
        List<String> outputs = new ArrayList<>();
        for (JsonNode output : input.path("outputs")) {
            String name = output.get("name").asText();
            if (outputs.contains(name)) {
                throw InvalidInputException.invalid(pointer + "/outputs/" + outputs.size() + "/name: '" + name
                        + "' is already asked for at outputs/" + outputs.indexOf(name));
            }
            outputs.add(name);
        }
        return new TensorRequest(tensors, outputs, pointer);
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Tensor tensor(JsonNode node, long[] shape, String at) throws InvalidInputException {
        Datatype datatype = Datatype.named(node.get("datatype").asText()).orElseThrow();
        long elements = Tensor.elements(shape);
        List<JsonNode> flat = new ArrayList<>();
        flatten(node.get("data"), flat, elements, at + "/data");
        if (flat.size() != elements) {
            throw InvalidInputException.invalid(at + "/data: shape " + Arrays.toString(shape) + " holds "
                    + elements + " elements, data has " + flat.size());
        }
        String name = node.get("name").asText();
        if (datatype == Datatype.BYTES) {
            String[] strings = new String[flat.size()];
            for (int k = 0; k < strings.length; k++) {
                if (!flat.get(k).isTextual()) {
                    throw InvalidInputException.invalid(at + "/data/" + k + ": a BYTES element must be a string, got "
                            + EventCodec.describe(flat.get(k)));
                }
                strings[k] = flat.get(k).asText();
            }
            return new Tensor(name, datatype, shape, null, strings);
        }
        ByteBuffer values = Tensor.buffer(datatype, elements);
        for (int k = 0; k < flat.size(); k++) {
            datatype.read(flat.get(k), values, at + "/data/" + k);
        }
        return new Tensor(name, datatype, shape, values.flip(), null);
    }

    /**
     * Row-major elements of flat or nested {@code data} (KServe allows both); stops past {@code elements}, so that
     * data longer than its shape costs no more than the shape allows.
     */
    private static void flatten(JsonNode data, List<JsonNode> out, long elements, String at) throws InvalidInputException {
        for (JsonNode element : data) {
            if (out.size() > elements) {
                return;
            }
            if (element.isArray()) {
                flatten(element, out, elements, at);
            } else if (element.isObject()) {
                throw InvalidInputException.invalid(at + ": elements must be numbers, booleans or strings, got an object");
            } else {
                out.add(element);
            }
        }
    }

    /** The request as its JSON body: a KServe v2 inference request. */
    public ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode in = body.putArray("inputs");
        inputs.forEach(t -> in.add(t.toJson()));
        if (!outputs.isEmpty()) {
            ArrayNode out = body.putArray("outputs");
            outputs.forEach(name -> out.addObject().put("name", name));
        }
        return body;
    }
}
