package dev.inferbus.functions.handler;

/** Thrown by the direct handler so that Lambda retries the invocation (and then sends it to the DLQ). */
public final class TransientFailureException extends RuntimeException {
    public TransientFailureException(String message) {
        super(message);
    }
}
