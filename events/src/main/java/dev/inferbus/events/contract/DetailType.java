package dev.inferbus.events.contract;

/** EventBridge {@code detail-type} values of the contract. */
public final class DetailType {
    public static final String REQUESTED = "InferenceRequested";
    public static final String COMPLETED = "InferenceCompleted";
    public static final String FAILED = "InferenceFailed";

    /** The {@code source} inferbus publishes its results under. */
    public static final String RESULT_SOURCE = "inferbus";

    private DetailType() {
    }
}
