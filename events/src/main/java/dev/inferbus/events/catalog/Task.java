package dev.inferbus.events.catalog;

/** What a model does; fixes the shape of its input and output. */
public enum Task {
    /** {@code {text}} → {@code {embedding[], dim}}. */
    TEXT_EMBEDDING("text-embedding"),
    /** {@code {features:{name:number}}} → {@code {label, score}}. */
    TABULAR_CLASSIFICATION("tabular-classification"),
    /** {@code {readings:[number]}} → {@code {score, anomalous}}. */
    ANOMALY_DETECTION("anomaly-detection"),
    /**
     * Any ONNX graph called raw: {@code {inputs:[{name, shape, datatype, data}], outputs?:[{name}]}} →
     * {@code {outputs:[{name, shape, datatype, data}]}}, named tensors as the KServe v2 inference protocol has them,
     * checked against the inputs the model itself declares.
     */
    TENSOR("tensor"),
    /**
     * {@code {prompt} | {messages:[{role, content}]}} plus {@code parameters} → {@code {text, finishReason,
     * usage:{promptTokens, completionTokens}}}; gpu tier only, streamed from a real-time endpoint with
     * {@code InferenceProgress} events on the way.
     */
    TEXT_GENERATION("text-generation");

    private final String wireName;

    Task(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
