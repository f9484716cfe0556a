package dev.inferbus.functions.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.ErrorCode;

/** What scoring one request came to. */
public sealed interface Outcome {

    /** @param inferenceMs wall time of the tensor call that scored it (shared by its tensor batch) */
    record Scored(JsonNode output, double inferenceMs) implements Outcome {
    }

    record Failed(ErrorCode code, String message) implements Outcome {
    }
}
