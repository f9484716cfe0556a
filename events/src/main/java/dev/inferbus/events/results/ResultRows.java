package dev.inferbus.events.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.DetailType;
import dev.inferbus.events.contract.ErrorCode;
import dev.inferbus.events.contract.EventCodec;
import dev.inferbus.events.contract.InferenceCompleted;
import dev.inferbus.events.contract.InferenceFailed;
import dev.inferbus.events.contract.InferenceRequested;
import dev.inferbus.events.contract.Rejection;

/**
 * Builds final rows with the event each announces — one way for every path that ends a request, so a result
 * reads the same whether a function scored it or an endpoint's completion delivered it.
 */
public final class ResultRows {

    private final EventCodec codec;

    public ResultRows(EventCodec codec) {
        this.codec = codec;
    }

    /** @param output the output inline, or null with {@code outputRef} set */
    public ResultRow completed(RowOrigin origin, JsonNode output, String outputRef, double inferenceMs, long now) {
        return completed(origin, output, outputRef, inferenceMs, now, false);
    }

    /** @param cached whether the output is the result cache's, reused without running the model */
    public ResultRow completed(RowOrigin origin, JsonNode output, String outputRef, double inferenceMs, long now, boolean cached) {
        InferenceRequested detail = origin.detail();
        long created = createdAt(origin, now);
        Double endToEnd = origin.requestedAtMillis() != null ? (double) (now - created) : null;
        InferenceCompleted event = new InferenceCompleted(detail.requestId(), detail.model(), origin.version(), origin.tier(),
                output, outputRef, inferenceMs, endToEnd, detail.attributes(), detail.traceparent());
        return new ResultRow(origin.key(detail.requestId()), Status.COMPLETED, detail.model(), origin.version(), origin.tier(),
                origin.fingerprint(), output == null ? null : codec.toJson(output), outputRef, null, null, created, now,
                inferenceMs, endToEnd, origin.eventId(), DetailType.COMPLETED, codec.toJson(event), origin.replayName(), null,
                cached);
    }

    /** @param key the row key (see {@link ResultRow#key()}) */
    public ResultRow failed(String key, Rejection rejection, RowOrigin origin, long now) {
        long created = createdAt(origin, now);
        Double endToEnd = origin.requestedAtMillis() != null ? (double) (now - created) : null;
        return new ResultRow(origin.key(key), Status.FAILED, rejection.model(), origin.version(), origin.tier(),
                origin.fingerprint(), null, null, rejection.code(), rejection.message(), created, now, null, endToEnd,
                origin.eventId(), DetailType.FAILED, codec.toJson(failedEvent(rejection, origin)), origin.replayName());
    }

    /**
     * The answer to a request whose requestId an earlier, different request already holds: that request stands,
     * its row and objects untouched; this one is refused for good.
     */
    public String conflictEvent(RowOrigin origin) {
        InferenceRequested detail = origin.detail();
        Rejection rejection = new Rejection(detail.requestId(), detail.model(), ErrorCode.REQUEST_ID_CONFLICT,
                "requestId '" + detail.requestId() + "' already names a different request (another model, version or input);"
                        + " the first request stands and this one is not served: send it under a new requestId");
        return codec.toJson(failedEvent(rejection, origin));
    }

    private static InferenceFailed failedEvent(Rejection rejection, RowOrigin origin) {
        InferenceRequested detail = origin.detail();
        return new InferenceFailed(rejection.requestId(), rejection.model(), origin.version(), rejection.code(),
                rejection.message(), rejection.code().retryable(), detail == null ? null : detail.attributes(),
                detail == null ? null : detail.traceparent());
    }

    private static long createdAt(RowOrigin origin, long now) {
        return origin.requestedAtMillis() != null ? origin.requestedAtMillis() : now;
    }
}
