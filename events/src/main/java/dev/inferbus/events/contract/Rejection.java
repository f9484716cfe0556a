package dev.inferbus.events.contract;

/**
 * Why a request cannot be served, with whatever identity could still be read from it.
 *
 * @param requestId the event's requestId when it was a valid one, else null
 * @param model the requested model when it was a string, else null
 * @param message names the JSON pointer of the offending field and what was expected
 */
public record Rejection(String requestId, String model, ErrorCode code, String message) {

    public InferenceFailed toEvent(InferenceRequested request) {
        return request == null
                ? new InferenceFailed(requestId, model, null, code, message, code.retryable(), null, null)
                : new InferenceFailed(requestId, model, request.version(), code, message, code.retryable(),
                        request.attributes(), request.traceparent());
    }
}
