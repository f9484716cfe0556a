package dev.inferbus.events.catalog;

/** How a model's events reach its function. */
public enum Trigger {
    /** The rule invokes the function asynchronously, one event per invocation. */
    EVENTBRIDGE,
    /** The rule sends to a queue that the function drains in batches. */
    SQS,
    /** The rule puts to a stream keyed by {@code partitionKey}; order per key is kept. */
    KINESIS;

    public String wireName() {
        return name().toLowerCase();
    }
}
