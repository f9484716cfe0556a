package dev.inferbus.functions.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.events.contract.DetailType;
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

    /**
     * @param requestedAtMillis when the request was made (its event time), null when unknown
     * @param output the output inline, or null with {@code outputRef} set
     */
    public ResultRow completed(InferenceRequested detail, String eventId, Long requestedAtMillis, String version, String tier,
                               JsonNode output, String outputRef, double inferenceMs, long now) {
        long created = requestedAtMillis != null ? requestedAtMillis : now;
        Double endToEnd = requestedAtMillis != null ? (double) (now - created) : null;
        InferenceCompleted event = new InferenceCompleted(detail.requestId(), detail.model(), version, tier, output, outputRef,
                inferenceMs, endToEnd, detail.attributes(), detail.traceparent());
        return new ResultRow(detail.requestId(), ResultRow.COMPLETED, detail.model(), version, tier,
                output == null ? null : codec.toJson(output), outputRef, null, null, created, now, inferenceMs, endToEnd,
                eventId, DetailType.COMPLETED, codec.toJson(event));
    }

    /**
     * @param key the row key (see {@link ResultRow#key()})
     * @param detail the request when it could be decoded, else null
     */
    public ResultRow failed(String key, Rejection rejection, InferenceRequested detail, String eventId, Long requestedAtMillis,
                            String version, String tier, long now) {
        long created = requestedAtMillis != null ? requestedAtMillis : now;
        Double endToEnd = requestedAtMillis != null ? (double) (now - created) : null;
        InferenceFailed event = new InferenceFailed(rejection.requestId(), rejection.model(), version, rejection.code(),
                rejection.message(), rejection.code().retryable(), detail == null ? null : detail.attributes(),
                detail == null ? null : detail.traceparent());
        return new ResultRow(key, ResultRow.FAILED, rejection.model(), version, tier, null, null, rejection.code().name(),
                rejection.message(), created, now, null, endToEnd, eventId, DetailType.FAILED, codec.toJson(event));
    }
}
