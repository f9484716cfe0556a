package dev.inferbus.events.catalog;

/** Where a model runs: in the Lambda process (cpu) or on a SageMaker endpoint (gpu). */
public enum Tier {
    CPU, GPU;

    public String wireName() {
        return name().toLowerCase();
    }
}
