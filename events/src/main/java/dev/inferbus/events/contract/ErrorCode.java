package dev.inferbus.events.contract;

/** The closed set of reasons an inference can fail; {@link #retryable()} says whether AWS should redeliver. */
public enum ErrorCode {
    INVALID_EVENT(false),
    UNKNOWN_MODEL(false),
    INVALID_INPUT(false),
    INPUT_TOO_LARGE(false),
    INPUT_NOT_FOUND(false),
    MODEL_ERROR(false),
    /** The requestId names an earlier request with another model, version or input; that one stands. */
    REQUEST_ID_CONFLICT(false),
    UPSTREAM_ERROR(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
