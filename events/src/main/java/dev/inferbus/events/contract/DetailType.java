package dev.inferbus.events.contract;

/** EventBridge {@code detail-type} values of the contract. */
public final class DetailType {
    public static final String REQUESTED = "InferenceRequested";
    public static final String COMPLETED = "InferenceCompleted";
    public static final String FAILED = "InferenceFailed";
    /** A text generation's partial text while its endpoint streams; its {@code COMPLETED} follows. */
    public static final String PROGRESS = "InferenceProgress";

    /** The {@code source} inferbus publishes its results under. */
    public static final String RESULT_SOURCE = "inferbus";

    private DetailType() {
    }
}
