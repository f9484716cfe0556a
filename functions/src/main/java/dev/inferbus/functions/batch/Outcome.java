package dev.inferbus.functions.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.ErrorCode;

/** What scoring one request came to. */
public sealed interface Outcome {

    /** @param inferenceMs wall time of the tensor or endpoint call that scored it (shared by its batch) */
    record Scored(JsonNode output, double inferenceMs) implements Outcome {
    }

    /** A permanent failure: the request ends as a FAILED row. */
    record Failed(ErrorCode code, String message) implements Outcome {
    }

    /** A transient failure (throttling, 5xx, a timeout): the record goes back to its source for a retry. */
    record Retry(String reason) implements Outcome {
    }

    /**
     * Handed to an asynchronous endpoint: the request's row is PENDING until the endpoint's completion arrives.
     *
     * @param inferenceId the endpoint's id of the invocation
     * @param outputLocation where the endpoint will write the output
     */
    record Submitted(String inferenceId, String outputLocation) implements Outcome {
    }

    /** The request already has a final row: this delivery is a duplicate and has nothing left to do. */
    record Ended() implements Outcome {
    }

    /** Another request holds the requestId: nothing was stored or invoked; this one is refused. */
    record Conflict() implements Outcome {
    }
}
