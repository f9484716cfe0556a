package dev.inferbus.functions.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;
import dev.inferbus.events.contract.Decoded;

/**
 * One input to score.
 *
 * @param inputPointer the JSON pointer of {@code input} in its event ({@code /detail/input} for an EventBridge
 *                     event), so that failures name the field as the producer sent it
 * @param request the decoded event the input came with; null where there is none (a scoring command, a benchmark)
 */
public record ScoringRequest(ModelSpec model, JsonNode input, String inputPointer, Decoded.Request request) {

    public ScoringRequest(ModelSpec model, JsonNode input, String inputPointer) {
        this(model, input, inputPointer, null);
    }

    /** The request's id, null where there is no request. */
    public String requestId() {
        return request == null ? null : request.detail().requestId();
    }
}
