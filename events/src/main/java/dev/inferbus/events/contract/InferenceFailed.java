package dev.inferbus.events.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Detail of an {@code InferenceFailed} event. {@code requestId} is null when the event carried no usable one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceFailed(
        @JsonInclude(JsonInclude.Include.ALWAYS) String requestId,
        String model,
        String version,
        ErrorCode errorCode,
        String message,
        boolean retryable,
        Map<String, String> attributes,
        String traceparent) {

    public InferenceFailed {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
