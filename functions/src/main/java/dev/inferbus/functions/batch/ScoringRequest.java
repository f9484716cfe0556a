package dev.inferbus.functions.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.catalog.ModelSpec;

/**
 * One input to score.
 *
 * @param inputPointer the JSON pointer of {@code input} in its event ({@code /detail/input} for an EventBridge
 *                     event), so that failures name the field as the producer sent it
 */
public record ScoringRequest(ModelSpec model, JsonNode input, String inputPointer) {
}
