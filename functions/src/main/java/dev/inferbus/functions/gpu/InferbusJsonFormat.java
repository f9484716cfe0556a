package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inferbus.functions.runtime.TextEmbeddings;
import java.util.ArrayList;
import java.util.List;

/**
 * inferbus' own container protocol, in SageMaker's instances/predictions convention with the task's own
 * shapes: {@code {"instances":[{"text"}]}} → {@code {"predictions":[{"embedding":[…]}]}}.
 */
public final class InferbusJsonFormat implements WireFormat {

    @Override
    public byte[] request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        texts.forEach(t -> instances.add(TextEmbeddings.input(t)));
        return WireFormat.write(body);
    }

    @Override
    public List<float[]> response(byte[] body, int expected) throws MalformedPayloadException {
        JsonNode predictions = WireFormat.parse(body, "the inferbus-json response").get("predictions");
        if (predictions == null || !predictions.isArray()) {
            throw new MalformedPayloadException("the inferbus-json response: expected {\"predictions\":[…]}");
        }
        List<float[]> rows = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            rows.add(WireFormat.vector(predictions.get(i).get("embedding"), "the inferbus-json response: predictions[" + i + "].embedding"));
        }
        return WireFormat.rows(rows, expected, "the inferbus-json response");
    }

    @Override
    public ContainerRequest readRequest(byte[] body) throws MalformedPayloadException {
        JsonNode instances = WireFormat.parse(body, "the inferbus-json request").get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            throw new MalformedPayloadException("the inferbus-json request: expected {\"instances\":[{\"text\":…}]}");
        }
        List<String> texts = new ArrayList<>(instances.size());
        for (JsonNode instance : instances) {
            JsonNode text = instance.get("text");
            if (text == null || !text.isTextual()) {
                throw new MalformedPayloadException("the inferbus-json request: every instance needs a string 'text'");
            }
            texts.add(text.asText());
        }
        return new ContainerRequest(texts, true);
    }

    @Override
    public byte[] writeResponse(List<float[]> embeddings) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode predictions = body.putArray("predictions");
        embeddings.forEach(e -> predictions.add(TextEmbeddings.output(e)));
        return WireFormat.write(body);
    }
}
