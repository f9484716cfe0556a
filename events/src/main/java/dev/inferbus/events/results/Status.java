package dev.inferbus.events.results;

/** Where a request stands in the results table. */
public enum Status {
    /** Handed to an asynchronous endpoint; its completion will end it. */
    PENDING,
    COMPLETED,
    FAILED;

    /** A final row is written once and never replaced. */
    public boolean isFinal() {
        return this != PENDING;
    }
}
