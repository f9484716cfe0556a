package dev.inferbus.functions.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.catalog.Task;
import dev.inferbus.functions.batch.Outcome;
import dev.inferbus.functions.runtime.InvalidInputException;
import dev.inferbus.functions.runtime.TextEmbeddings;
import dev.inferbus.functions.tensor.TensorRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A forwarded model's task on the wire: how its inputs are checked before endpoint capacity is spent, what a call
 * carries, what the answer becomes, and what a container's refusal of a single request means.
 */
sealed interface TaskPayload {

    static TaskPayload of(ModelSpec model) {
        return model.task() == Task.TENSOR ? new Tensors() : new Texts(WireFormat.of(model.endpoint()));
    }

    /** @throws InvalidInputException naming the field, for an input the model cannot take whatever its endpoint */
    void check(JsonNode input, String pointer, ModelSpec model) throws InvalidInputException;

    String contentType();

    /** The body of one call carrying {@code inputs}, checked, in order. */
    byte[] request(List<JsonNode> inputs);

    /** The task's output for each input of the call, in order; refuses anything else. */
    List<JsonNode> outputs(byte[] body, int expected) throws MalformedPayloadException;

    /** What a failed call that carried one request means for it. */
    Outcome single(Throwable error, String endpoint);

    /** text-embedding: the texts in the endpoint's {@link WireFormat}, embeddings back. */
    record Texts(WireFormat format) implements TaskPayload {

        @Override
        public void check(JsonNode input, String pointer, ModelSpec model) throws InvalidInputException {
            TextEmbeddings.text(input, pointer, model.limits());
        }

        @Override
        public String contentType() {
            return format.contentType();
        }

        @Override
        public byte[] request(List<JsonNode> inputs) {
            return format.request(inputs.stream().map(i -> i.get("text").asText()).toList());
        }

        @Override
        public List<JsonNode> outputs(byte[] body, int expected) throws MalformedPayloadException {
            List<JsonNode> outputs = new ArrayList<>(expected);
            format.response(body, expected).forEach(e -> outputs.add(TextEmbeddings.output(e)));
            return outputs;
        }

        @Override
        public Outcome single(Throwable error, String endpoint) {
            return EndpointFailures.classifyText(error, endpoint);
        }
    }

    /** tensor: one request's named tensors per call (the catalog holds tensor endpoints to one), as KServe v2 has them. */
    record Tensors() implements TaskPayload {

        @Override
        public void check(JsonNode input, String pointer, ModelSpec model) throws InvalidInputException {
            TensorRequest.read(input, pointer, model.limits());
        }

        @Override
        public String contentType() {
            return KserveV2Tensors.contentType();
        }

        @Override
        public byte[] request(List<JsonNode> inputs) {
            if (inputs.size() != 1) {
                throw new IllegalArgumentException("a tensor call carries one request's tensors, got " + inputs.size());
            }
            return KserveV2Tensors.request(inputs.get(0));
        }

        @Override
        public List<JsonNode> outputs(byte[] body, int expected) throws MalformedPayloadException {
            return List.of(KserveV2Tensors.response(body));
        }

        @Override
        public Outcome single(Throwable error, String endpoint) {
            return EndpointFailures.classifyTensors(error, endpoint);
        }
    }
}
