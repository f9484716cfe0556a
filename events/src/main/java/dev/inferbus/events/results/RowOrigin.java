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
 * @param replayName the archive replay that re-sent the request, else null: its row is a re-scoring, keyed
 *                   {@link ResultsTable#replayKey} so that the original row is never touched, and announced to nobody
 */
public record RowOrigin(InferenceRequested detail, String fingerprint, String eventId, Long requestedAtMillis,
                        String version, String tier, String replayName) {

    public RowOrigin(InferenceRequested detail, String fingerprint, String eventId, Long requestedAtMillis,
                     String version, String tier) {
        this(detail, fingerprint, eventId, requestedAtMillis, version, tier, null);
    }

    /** The key of this request's row: its requestId, or for a replay's re-scoring, the requestId and version. */
    public String key(String requestKey) {
        return replayName == null ? requestKey : ResultsTable.replayKey(requestKey, version);
    }
}
