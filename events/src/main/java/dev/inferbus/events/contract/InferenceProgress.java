package dev.inferbus.events.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Detail of an {@code InferenceProgress} event: where a streamed text generation stands. Each carries the whole
 * text so far, not a delta: EventBridge delivers at least once and in no promised order, so a consumer rebuilds the
 * text by keeping, per request, the event with the highest {@code sequence} — a lost, repeated or late event
 * costs nothing but freshness. The request's {@code InferenceCompleted} has the final text.
 *
 * @param sequence 0 for a request's first progress event, one more for each next
 * @param tokensSoFar tokens generated up to {@code text}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceProgress(String requestId, String model, String version, long sequence, String text,
                                int tokensSoFar, String traceparent) {
}
