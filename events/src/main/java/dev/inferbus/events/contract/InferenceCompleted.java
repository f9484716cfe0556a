package dev.inferbus.events.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Detail of an {@code InferenceCompleted} event: {@code output} inline, or {@code outputRef} when it was too large. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceCompleted(
        String requestId,
        String model,
        String version,
        String tier,
        JsonNode output,
        String outputRef,
        double inferenceMs,
        Double endToEndMs,
        Map<String, String> attributes,
        String traceparent) {

    public InferenceCompleted {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
