package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face text-embeddings-inference ({@code /embed}): {@code {"inputs":[texts],"truncate":bool}} →
 * {@code [[floats]]}.
 *
 * @param truncate TEI's {@code truncate}, sent always: without it TEI refuses the whole request (413 "Input
 *                 validation error: `inputs` must have less than N tokens") when one text is over the model's
 *                 token limit
 */
public record HfTeiFormat(boolean truncate) implements WireFormat {

    @Override
    public byte[] request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        texts.forEach(body.putArray("inputs")::add);
        body.put("truncate", truncate);
        return WireFormat.write(body);
    }

    @Override
    public List<float[]> response(byte[] body, int expected) throws MalformedPayloadException {
        JsonNode root = WireFormat.parse(body, "the hf-tei response");
        if (!root.isArray()) {
            throw new MalformedPayloadException("the hf-tei response: expected an array of embeddings, got " + root.getNodeType());
        }
        List<float[]> rows = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            rows.add(WireFormat.vector(root.get(i), "the hf-tei response[" + i + "]"));
        }
        return WireFormat.rows(rows, expected, "the hf-tei response");
    }

    @Override
    public ContainerRequest readRequest(byte[] body) throws MalformedPayloadException {
        JsonNode request = WireFormat.parse(body, "the hf-tei request");
        JsonNode inputs = request.get("inputs");
        JsonNode truncate = request.path("truncate");
        if (!truncate.isMissingNode() && !truncate.isNull() && !truncate.isBoolean()) {
            throw new MalformedPayloadException("the hf-tei request's truncate: expected a boolean, got " + truncate.getNodeType());
        }
        // TEI also takes a single string
        List<String> texts = inputs != null && inputs.isTextual() ? List.of(inputs.asText())
                : WireFormat.texts(inputs, "the hf-tei request's inputs");
        return new ContainerRequest(texts, truncate.asBoolean(false));
    }

    @Override
    public byte[] writeResponse(List<float[]> embeddings) {
        ArrayNode rows = JSON.createArrayNode();
        embeddings.forEach(e -> rows.add(WireFormat.array(e)));
        return WireFormat.write(rows);
    }
}
