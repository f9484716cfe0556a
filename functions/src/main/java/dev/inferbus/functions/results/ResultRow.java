package dev.inferbus.functions.results;

/**
 * One result, as stored and as announced.
 *
 * @param key the table key: the requestId, or {@code invalid:<event id or digest>} for an event without a usable one
 * @param status {@code COMPLETED} or {@code FAILED}
 * @param output the output JSON when stored inline, else null
 * @param outputRef the S3 URI of an output too large to store inline, else null
 * @param detailType the event this row announces
 * @param eventDetail the announcing event's detail JSON, kept so that a redelivery can publish it if the first
 *                    attempt could not
 */
public record ResultRow(
        String key,
        String status,
        String model,
        String version,
        String tier,
        String output,
        String outputRef,
        String errorCode,
        String errorMessage,
        long createdAtMillis,
        long completedAtMillis,
        Double inferenceMs,
        Double endToEndMs,
        String eventId,
        String detailType,
        String eventDetail) {

    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
}
