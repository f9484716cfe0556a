package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The KServe / Triton v2 inference protocol: the texts as one {@code BYTES} tensor of shape {@code [n]}, the
 * embeddings as one {@code FP32} tensor of shape {@code [n, dim]}, flattened row-major in {@code data}.
 */
public final class KserveV2Format implements WireFormat {

    static final String INPUT = "text";
    static final String OUTPUT = "embedding";

    @Override
    public byte[] request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode tensor = body.putArray("inputs").addObject().put("name", INPUT).put("datatype", "BYTES");
        tensor.putArray("shape").add(texts.size());
        texts.forEach(tensor.putArray("data")::add);
        body.putArray("outputs").addObject().put("name", OUTPUT);
        return WireFormat.write(body);
    }

    @Override
    public List<float[]> response(byte[] body, int expected) throws MalformedPayloadException {
        JsonNode tensor = tensor(WireFormat.parse(body, "the kserve-v2 response").get("outputs"), OUTPUT, "the kserve-v2 response");
        if (!"FP32".equals(tensor.path("datatype").asText())) {
            throw new MalformedPayloadException("the kserve-v2 response: tensor '" + OUTPUT + "' must be FP32, got "
                    + tensor.path("datatype").asText("none"));
        }
        JsonNode shape = tensor.get("shape");
        if (shape == null || shape.size() != 2 || !shape.get(0).canConvertToInt() || !shape.get(1).canConvertToInt()) {
            throw new MalformedPayloadException("the kserve-v2 response: tensor '" + OUTPUT + "' needs shape [n, dim], got " + shape);
        }
        int n = shape.get(0).asInt();
        int dim = shape.get(1).asInt();
        float[] flat = WireFormat.vector(tensor.get("data"), "the kserve-v2 response: " + OUTPUT + ".data");
        if (n < 0 || dim < 1 || (long) n * dim != flat.length) {
            throw new MalformedPayloadException("the kserve-v2 response: shape " + shape + " does not hold " + flat.length + " values");
        }
        List<float[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
        }
        return WireFormat.rows(rows, expected, "the kserve-v2 response");
    }

    @Override
    public ContainerRequest readRequest(byte[] body) throws MalformedPayloadException {
        JsonNode tensor = tensor(WireFormat.parse(body, "the kserve-v2 request").get("inputs"), INPUT, "the kserve-v2 request");
        if (!"BYTES".equals(tensor.path("datatype").asText())) {
            throw new MalformedPayloadException("the kserve-v2 request: tensor '" + INPUT + "' must be BYTES");
        }
        return new ContainerRequest(WireFormat.texts(tensor.get("data"), "the kserve-v2 request: " + INPUT + ".data"), true);
    }

    @Override
    public byte[] writeResponse(List<float[]> embeddings) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode tensor = body.putArray("outputs").addObject().put("name", OUTPUT).put("datatype", "FP32");
        int dim = embeddings.isEmpty() ? 0 : embeddings.get(0).length;
        tensor.putArray("shape").add(embeddings.size()).add(dim);
        ArrayNode data = tensor.putArray("data");
        for (float[] e : embeddings) {
            for (float x : e) {
                data.add(x);
            }
        }
        return WireFormat.write(body);
    }

    private static JsonNode tensor(JsonNode tensors, String name, String where) throws MalformedPayloadException {
        if (tensors != null && tensors.isArray()) {
            for (JsonNode t : tensors) {
                if (name.equals(t.path("name").asText())) {
                    return t;
                }
            }
        }
        throw new MalformedPayloadException(where + ": no tensor named '" + name + "'");
    }
}
