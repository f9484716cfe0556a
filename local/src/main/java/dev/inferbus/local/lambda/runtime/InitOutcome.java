package dev.inferbus.local.lambda.runtime;

/** How an environment's Init phase ended, for {@link FunctionPool#prewarm()}. */
public sealed interface InitOutcome {

    /** The runtime asked for its first invocation {@code initMillis} after the process started. */
    record Ready(long pid, long initMillis) implements InitOutcome {
    }

    /** Init failed; the process is gone. */
    record Failed(InvocationResult.InitError error) implements InitOutcome {
    }
}
