package dev.inferbus.events.catalog;

/**
 * @param size records per invocation (the event source mapping's batch size)
 * @param windowSeconds the event source mapping's batching window
 * @param maxTensorBatch records per tensor call inside one invocation
 */
public record BatchSpec(int size, int windowSeconds, int maxTensorBatch) {

    static BatchSpec defaultsFor(Trigger trigger) {
        return switch (trigger) {
            case EVENTBRIDGE -> new BatchSpec(1, 0, 1);
            case SQS -> new BatchSpec(10, 0, 32);
            case KINESIS -> new BatchSpec(100, 0, 32);
        };
    }
}
