package dev.inferbus.events.results;

import dev.inferbus.events.contract.InferenceRequested;

/**
 * What a result row keeps of the request it ends.
 *
 * @param detail the request when it could be decoded, else null
 * @param fingerprint the request's fingerprint, null when it had no readable detail
 * @param eventId the EventBridge event id, null for a bare detail
 * @param requestedAtMillis when the request was made (its event time), null when unknown
 * @param version the version that served it (the catalog's live one), else the one asked for
 * @param tier the serving tier's wire name, null when no model was resolved
 */
public record RowOrigin(InferenceRequested detail, String fingerprint, String eventId, Long requestedAtMillis,
                        String version, String tier) {
}
