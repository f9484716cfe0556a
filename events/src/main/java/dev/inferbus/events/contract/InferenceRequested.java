package dev.inferbus.events.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Detail of an {@code InferenceRequested} event. Exactly one of {@code input} and {@code inputRef} is set;
 * {@code version} is null when the producer wants the catalog's live version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceRequested(
        String requestId,
        String model,
        String version,
        JsonNode input,
        String inputRef,
        String partitionKey,
        Map<String, String> attributes,
        String traceparent) {

    public InferenceRequested {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** The same request with its claim check resolved to the inline input. */
    public InferenceRequested withInput(JsonNode resolved) {
        return new InferenceRequested(requestId, model, version, resolved, null, partitionKey, attributes, traceparent);
    }

    /** The same request as a span that continues its trace hands it on. */
    public InferenceRequested withTraceparent(String continued) {
        return new InferenceRequested(requestId, model, version, input, inputRef, partitionKey, attributes, continued);
    }
}
