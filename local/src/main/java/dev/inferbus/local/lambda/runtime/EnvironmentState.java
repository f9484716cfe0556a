package dev.inferbus.local.lambda.runtime;

/** Where an execution environment is in Lambda's lifecycle. */
public enum EnvironmentState {
    /** The process runs its Init phase: JVM start, the runtime interface client, the handler's static code. */
    STARTING,
    /** The runtime waits in {@code GET /runtime/invocation/next}. */
    READY,
    /** An invocation was handed over and the runtime has not asked for the next one yet. */
    BUSY,
    /** The process is gone; a later invocation starts a new environment (a cold start). */
    DEAD
}
