package dev.inferbus.events.contract;

import java.time.Instant;

/** What the codec made of one record: a valid request, or the reason it is not one. */
public sealed interface Decoded {

    /**
     * @param eventId the EventBridge event id, null for a bare detail
     * @param eventTime the EventBridge event time, null for a bare detail
     * @param detailPointer the JSON pointer of the detail in the decoded document: {@code /detail} or empty
     * @param fingerprint the request's {@link RequestFingerprint}
     * @param replayName the {@code replay-name} of an event an archive replay re-sent, else null
     */
    record Request(InferenceRequested detail, String eventId, Instant eventTime, String detailPointer, String fingerprint,
                   String replayName) implements Decoded {

        /** Where a field of the detail sits in the document the producer sent, for error messages. */
        public String pointer(String field) {
            return detailPointer + "/" + field;
        }
    }

    /**
     * @param eventId the EventBridge event id when the envelope could be read, else null
     * @param fingerprint the {@link RequestFingerprint} of the detail as sent, null when there was no object to read
     */
    record Invalid(Rejection rejection, String eventId, String fingerprint) implements Decoded {
    }
}
