package dev.inferbus.local.lambda;

import dev.inferbus.local.lambda.runtime.InvocationResult;

/**
 * A synchronous ({@code RequestResponse}) invocation of one function with an event's JSON, as an event source
 * mapping or Lambda's asynchronous-invoke queue makes it: the payload goes in as Lambda would hand it over, and
 * what comes back is what Lambda reports (a response payload, a function error, a timeout, an init error).
 */
@FunctionalInterface
public interface Invoker {

    InvocationResult invoke(String payloadJson);

    /** Whether Lambda counts the result as a failed invocation (everything but a success). */
    static boolean failed(InvocationResult result) {
        return !(result instanceof InvocationResult.Success);
    }

    /** Lambda's error type and message for a failed invocation, as its asynchronous destinations record them. */
    static String[] error(InvocationResult result) {
        return result instanceof InvocationResult.Failure failure
                ? new String[] {failure.errorType(), failure.errorMessage()} : new String[] {null, null};
    }
}
