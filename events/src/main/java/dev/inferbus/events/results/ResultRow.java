package dev.inferbus.events.results;

import dev.inferbus.events.contract.ErrorCode;

/**
 * One final result, as stored and as announced.
 *
 * @param key the table key: the requestId, or {@code invalid:<event id or record id>} for an event without a usable one
 * @param status {@link Status#COMPLETED} or {@link Status#FAILED}
 * @param fingerprint the request's {@code RequestFingerprint}, null for an event too broken to have one
 * @param output the output JSON when stored inline, else null
 * @param outputRef the S3 URI of an output too large to store inline, else null
 * @param errorCode for a FAILED row, why; else null
 * @param detailType the event this row announces
 * @param eventDetail the announcing event's detail JSON, kept so that a redelivery can publish it if the first
 *                    attempt could not
 * @param replayName the archive replay whose re-scoring this row is, else null; such a row announces nothing
 * @param shadow what the model's shadow version made of the same input, else null
 * @param cached whether the output was the model's result cache's, reused without running the model
 */
public record ResultRow(
        String key,
        Status status,
        String model,
        String version,
        String tier,
        String fingerprint,
        String output,
        String outputRef,
        ErrorCode errorCode,
        String errorMessage,
        long createdAtMillis,
        long completedAtMillis,
        Double inferenceMs,
        Double endToEndMs,
        String eventId,
        String detailType,
        String eventDetail,
        String replayName,
        ShadowResult shadow,
        boolean cached) {

    /** A row whose output, if any, the model computed for it, with no shadow beside it. */
    public ResultRow(String key, Status status, String model, String version, String tier, String fingerprint, String output,
                     String outputRef, ErrorCode errorCode, String errorMessage, long createdAtMillis, long completedAtMillis,
                     Double inferenceMs, Double endToEndMs, String eventId, String detailType, String eventDetail,
                     String replayName) {
        this(key, status, model, version, tier, fingerprint, output, outputRef, errorCode, errorMessage, createdAtMillis,
                completedAtMillis, inferenceMs, endToEndMs, eventId, detailType, eventDetail, replayName, null, false);
    }

    public ResultRow {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("a result row is final; a PENDING request is a PendingRow");
        }
    }

    /** This row with the shadow's result beside its own. */
    public ResultRow withShadow(ShadowResult result) {
        return new ResultRow(key, status, model, version, tier, fingerprint, output, outputRef, errorCode, errorMessage,
                createdAtMillis, completedAtMillis, inferenceMs, endToEndMs, eventId, detailType, eventDetail, replayName, result,
                cached);
    }

    /** Whether the row's event goes on the bus: a replay re-scores for comparison, its consumers saw the request once. */
    public boolean announced() {
        return replayName == null;
    }
}
