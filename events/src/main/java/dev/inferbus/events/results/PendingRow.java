package dev.inferbus.events.results;

/**
 * A request handed to an asynchronous endpoint, stored before the endpoint is invoked so that its completion
 * always finds what it needs to finish the row and announce it.
 *
 * @param fingerprint the request's {@code RequestFingerprint}: a redelivery with another one is a conflict
 * @param request the request's detail without its input (ids, attributes, traceparent), as JSON
 * @param inferenceId the endpoint's id of the invocation, once invoked
 * @param outputLocation where the endpoint writes the output, once invoked
 */
public record PendingRow(String key, String model, String version, String tier, String fingerprint, String endpoint,
                         String request, String eventId, long createdAtMillis, String inferenceId, String outputLocation) {
}
