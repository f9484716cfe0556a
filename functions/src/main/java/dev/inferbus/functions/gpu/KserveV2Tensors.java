package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.events.catalog.InputLimits;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.tensor.Datatype;
import dev.inferbus.functions.tensor.TensorRequest;

/**
 * The tensor task over the KServe v2 inference protocol, as Triton speaks it (on SageMaker, Triton takes the
 * {@code /v2/models/<model>/infer} body on {@code /invocations}). Both faces: the forwarder sends a request's
 * {@code input} as the inference request body (it is one: {@code {inputs:[{name, shape, datatype, data}],
 * outputs?:[{name}]}}) and reads the response's {@code outputs}; the container reads such a body, answers
 * {@code {model_name, outputs}} or, for a request it refuses, HTTP 400 with {@code {"error": "…"}} — the
 * protocol's {@code $inference_error_response} ("A failed inference request must be indicated by an HTTP error
 * status (usually 400)", https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol).
 */
public final class KserveV2Tensors {

    /** The status a KServe v2 server answers a request it refuses. */
    public static final int REFUSED = 400;

    private KserveV2Tensors() {
    }

    public static String contentType() {
        return "application/json";
    }

    /** The inference request carrying a tensor task's input, checked by {@link TensorRequest#read} already. */
    public static byte[] request(JsonNode input) {
        ObjectNode body = WireFormat.JSON.createObjectNode();
        body.set("inputs", input.get("inputs"));
        if (input.has("outputs")) {
            body.set("outputs", input.get("outputs"));
        }
        return WireFormat.write(body);
    }

    /** The tensor task's output from an inference response: {@code {outputs}}, each tensor's data as many as its shape. */
    public static JsonNode response(byte[] body) throws MalformedPayloadException {
        JsonNode outputs = WireFormat.parse(body, "the kserve-v2 response").get("outputs");
        if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
            throw new MalformedPayloadException("the kserve-v2 response: expected a non-empty 'outputs' array");
        }
        ObjectNode result = WireFormat.JSON.createObjectNode();
        ArrayNode tensors = result.putArray("outputs");
        for (int i = 0; i < outputs.size(); i++) {
            tensors.add(output(outputs.get(i), "the kserve-v2 response: outputs[" + i + "]"));
        }
        return result;
    }

    private static ObjectNode output(JsonNode tensor, String where) throws MalformedPayloadException {
        if (!tensor.path("name").isTextual() || Datatype.named(tensor.path("datatype").asText()).isEmpty()) {
            throw new MalformedPayloadException(where + ": expected a name and a KServe datatype");
        }
        JsonNode shape = tensor.get("shape");
        long elements = 1;
        if (shape == null || !shape.isArray()) {
            throw new MalformedPayloadException(where + ": expected a shape");
        }
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || d.longValue() < 0) {
                throw new MalformedPayloadException(where + ": shape " + shape + " is not a list of dimensions");
            }
            elements *= d.longValue();
        }
        JsonNode data = tensor.get("data");
        if (data == null || !data.isArray() || data.size() != elements) {
            throw new MalformedPayloadException(where + ": shape " + shape + " needs " + elements + " elements in data, got "
                    + (data == null || !data.isArray() ? "none" : data.size()));
        }
        ObjectNode out = WireFormat.JSON.createObjectNode().put("name", tensor.get("name").asText())
                .put("datatype", tensor.get("datatype").asText());
        out.set("shape", shape);
        out.set("data", data);
        return out;
    }

    /** The container's face: the request a body asks for; a refusal names the field it is about. */
    public static TensorRequest readRequest(byte[] body, InputLimits limits) throws MalformedPayloadException, InvalidInputException {
        return TensorRequest.read(WireFormat.parse(body, "the kserve-v2 request"), "", limits);
    }

    /** The container's face: the inference response of {@code model}, whose tensor task output is {@code output}. */
    public static byte[] writeResponse(String model, JsonNode output) {
        ObjectNode body = WireFormat.JSON.createObjectNode().put("model_name", model).put("model_version", "1");
        body.set("outputs", output.get("outputs"));
        return WireFormat.write(body);
    }

    /** The container's face: the body of a refusal. */
    public static byte[] error(String message) {
        return WireFormat.write(WireFormat.JSON.createObjectNode().put("error", message));
    }
}
