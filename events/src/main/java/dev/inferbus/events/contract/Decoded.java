package dev.inferbus.events.contract;

import java.time.Instant;

/** What the codec made of one record: a valid request, or the reason it is not one. */
public sealed interface Decoded {

    /**
     * @param eventId the EventBridge event id, null for a bare detail
     * @param eventTime the EventBridge event time, null for a bare detail
     */
    record Request(InferenceRequested detail, String eventId, Instant eventTime) implements Decoded {
    }

    /** @param eventId the EventBridge event id when the envelope could be read, else null */
    record Invalid(Rejection rejection, String eventId) implements Decoded {
    }
}
